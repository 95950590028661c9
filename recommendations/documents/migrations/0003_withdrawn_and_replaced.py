"""A published document can be withdrawn (when, by whom, why) and name the withdrawn document
it replaces. New, empty fields: today's documents are unchanged; reversible."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_tables_named_for_the_app"),
        ("reviews", "0003_review_monitoring_committees"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpublisheddocument",
            name="replaces",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The withdrawn document this one replaces.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="documents.publisheddocument",
            ),
        ),
        migrations.AddField(
            model_name="historicalpublisheddocument",
            name="withdrawal_reason",
            field=models.TextField(
                blank=True, editable=False, verbose_name="reason for withdrawal"
            ),
        ),
        migrations.AddField(
            model_name="historicalpublisheddocument",
            name="withdrawn_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="withdrawn on"
            ),
        ),
        migrations.AddField(
            model_name="historicalpublisheddocument",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="withdrawn by",
            ),
        ),
        migrations.AddField(
            model_name="publisheddocument",
            name="replaces",
            field=models.OneToOneField(
                blank=True,
                help_text="The withdrawn document this one replaces.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replacement",
                to="documents.publisheddocument",
            ),
        ),
        migrations.AddField(
            model_name="publisheddocument",
            name="withdrawal_reason",
            field=models.TextField(
                blank=True, editable=False, verbose_name="reason for withdrawal"
            ),
        ),
        migrations.AddField(
            model_name="publisheddocument",
            name="withdrawn_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="withdrawn on"
            ),
        ),
        migrations.AddField(
            model_name="publisheddocument",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="withdrawn by",
            ),
        ),
        migrations.AddConstraint(
            model_name="publisheddocument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("withdrawn_at__isnull", True),
                    models.Q(("withdrawal_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="published_document_withdrawal_needs_reason",
                violation_error_message="Withdrawing a published document needs a reason.",
            ),
        ),
    ]
