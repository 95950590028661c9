"""Every history row carries a hash chained to the row before it (scrutiny.hashchain); the
user on a history row is protected from deletion."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from scrutiny.hashchain import HASH_FIELDS, seal_table


def seal_existing(apps, schema_editor):
    """Every history row already written gets its hash, in order, table by table."""
    for model in apps.get_app_config("documents").get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if set(HASH_FIELDS) <= names:
            seal_table(model, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_withdrawn_and_replaced"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpublisheddocument",
            name="history_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="historicalpublisheddocument",
            name="history_previous_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="historicalpublisheddocument",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        # Backwards the columns go, with the hashes: nothing to undo first.
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
