"""The register's search on PostgreSQL is answered from trigram indexes (migration 0005);
on SQLite the migration does nothing and the search works the same."""

import contextlib
import importlib
import types

from django.db import connection

from recommendations.filtersets import RecommendationFilterSet
from recommendations.models import Recommendation

INDEXES = {"update_text_trgm", "actionplanitem_action_trgm"}
migration = importlib.import_module("recommendations.migrations.0005_search_trigram_indexes")


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(INDEXES)]
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {row[0] for row in cursor.fetchall()} & INDEXES


def search_plan(word: str) -> str:
    """The plan of the register's search as Django writes it, with sequential scans
    discouraged (the test data is small enough that the planner would otherwise scan)."""
    queryset = RecommendationFilterSet({"q": word}, queryset=Recommendation.objects.all()).qs
    sql, params = queryset.values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_search_indexes_exist_on_postgresql_only(db):
    expected = INDEXES if connection.vendor == "postgresql" else set()
    assert index_names() == expected


def test_the_search_uses_them_and_the_migration_reverses(demo):
    housing = RecommendationFilterSet(
        {"q": "shared services"}, queryset=Recommendation.objects.all()
    )
    found = set(housing.qs.values_list("reference", flat=True))
    assert found  # the demonstration data speaks of shared services
    if connection.vendor == "postgresql":
        plan = search_plan("services")
        assert "update_text_trgm" in plan and "actionplanitem_action_trgm" in plan, plan
    with schema_editor() as editor:
        migration.drop_indexes(None, editor)
    assert index_names() == set()
    assert set(housing.qs.values_list("reference", flat=True)) == found  # slower, same answer
    with schema_editor() as editor:
        migration.create_indexes(None, editor)
    assert index_names() == (INDEXES if connection.vendor == "postgresql" else set())


@contextlib.contextmanager
def schema_editor():
    """PostgreSQL: a schema editor inside the test's transaction (DDL is rolled back with it).
    SQLite: one that fails on any statement, as the migration must run none there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the demonstration data's deferred checks first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.schema_editor() as editor:
            yield editor
    else:

        def execute(sql, params=()):
            raise AssertionError(f"the migration ran SQL on {connection.vendor}: {sql}")

        yield types.SimpleNamespace(connection=connection, execute=execute)


def test_without_pg_trgm_the_migration_carries_on_without_the_indexes(db, capsys):
    """A database user who may not create the extension: a notice, no index, no failure."""
    from django.db import DatabaseError

    statements = []

    def execute(sql, params=()):
        statements.append(sql)
        if sql.startswith("CREATE EXTENSION"):
            raise DatabaseError('permission denied to create extension "pg_trgm"')

    editor = types.SimpleNamespace(
        connection=types.SimpleNamespace(vendor="postgresql", alias="default"), execute=execute
    )
    migration.create_indexes(None, editor)
    assert statements == ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    notice = capsys.readouterr().err
    assert "the pg_trgm extension could not be created" in notice
    assert "permission denied" in notice
    assert "works without its indexes" in notice
