"""The committee documents leave this app for their own (``recommendations.documents``,
label ``documents``), and the home-grown queue of document jobs goes: large documents are
made by a task of Django's tasks framework (django-tasks), which keeps its own results.

The documents' tables are kept with their rows (state only here; documents/0001 takes them).
The queue's table is dropped: it held only work in progress, pruned after a week.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0005_search_trigram_indexes"),
    ]

    operations = [
        migrations.DeleteModel(name="DocumentJob"),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="HistoricalPublishedDocument"),
                migrations.DeleteModel(name="PublishedDocument"),
                migrations.DeleteModel(name="DocumentFile"),
            ],
        ),
    ]
