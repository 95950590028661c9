"""The documents tables take this app's names, and the documents' content types (which the
permissions hang on) move with them. Rows are kept; both steps reverse."""

from django.db import migrations

MODELS = ("documentfile", "publisheddocument", "historicalpublisheddocument")


def move_content_types(apps, schema_editor, *, old="recommendations", new="documents"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue  # already made for the new app (a database migrated before this one)
        for content_type in ContentType.objects.filter(app_label=old, model=model):
            content_type.app_label = new
            content_type.save()


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="documents", new="recommendations")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_moved_from_recommendations"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="documentfile", table=None),
        migrations.AlterModelTable(name="historicalpublisheddocument", table=None),
        migrations.AlterModelTable(name="publisheddocument", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
