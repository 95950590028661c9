"""Trigram indexes for the register's free-text search, on PostgreSQL only.

The search is ``icontains`` (``UPPER(column) LIKE UPPER('%word%')``) over recommendations,
their actions and their updates. At ten years' size the updates (about 20,000) dominate: a
sequential scan with UPPER() on each row. A GIN index with ``gin_trgm_ops`` on the same
expression answers the LIKE from the index. The recommendations themselves (about 2,000) are
scanned quickly enough without one.

SQLite has no such index: nothing is done there, and the models declare no index, so the
model state (and ``makemigrations --check``) is the same on both databases. ``pg_trgm`` is a
trusted extension (PostgreSQL 13 and later), so a database owner may create it. Where it
cannot be created, the indexes are left out with a notice: the search still works, slower.
"""

import sys

from django.db import DatabaseError, migrations, transaction

INDEXES = [
    ("recommendations_update", "text", "update_text_trgm"),
    ("recommendations_actionplanitem", "action", "actionplanitem_action_trgm"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        print(
            f"\n  Notice: the pg_trgm extension could not be created ({exc}).".rstrip()
            + " The register's search works without its indexes, more slowly.",
            file=sys.stderr,
        )
        return
    for table, column, name in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0004_update_latest_first_index"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
