"""The README's database backup procedure, round-tripped (issue 15, point 7): SQLite's online
backup (the `.backup` of the sqlite3 shell, here through Python's sqlite3 backup API) always,
and `pg_dump` / `pg_restore` when the suite runs on PostgreSQL (as the CI's second run does).
Every table of the restored database is compared with the original's, row by row, and each
published PDF's bytes still have the SHA-256 they were published with."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from glob import glob
from pathlib import Path

import pytest
from django.db import connection

from recommendations.documents.models import DocumentFile, PublishedDocument

from .test_permissions import build_world

ROOT = Path(__file__).resolve().parent.parent
FILES = DocumentFile._meta.db_table
PUBLISHED = PublishedDocument._meta.db_table


def sqlite_tables(db: sqlite3.Connection) -> dict[str, list[tuple]]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}


def assert_published_pdfs_intact(files: list[tuple], published: list[tuple]) -> None:
    assert files, "the database has no published PDF to check"
    for digest, content in files:
        assert hashlib.sha256(bytes(content)).hexdigest() == digest
    stored = {digest for digest, _ in files}
    assert published and all(sha == file_id and sha in stored for sha, file_id in published)


def sqlite_original(tmp_path: Path) -> Path:
    """A SQLite database as a council would have it: migrated, with the demonstration data,
    accounts, history and a published document, made by the product's own commands."""
    path = tmp_path / "scrutiny.sqlite3"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{path}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    for args in (
        ["migrate", "--no-input", "-v", "0"],
        ["shell", "-c", "from tests.test_permissions import build_world; build_world()"],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    return path


def sqlite_round_trip(tmp_path: Path) -> None:
    original = sqlite_original(tmp_path)
    backup, restored = tmp_path / "backup.sqlite3", tmp_path / "restored.sqlite3"
    # Backup: sqlite3 var/scrutiny.sqlite3 ".backup backup.sqlite3" (safe while it is in use).
    with sqlite3.connect(original) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    # Restore: the same, from the backup into the database's place (the server stopped).
    with sqlite3.connect(backup) as source, sqlite3.connect(restored) as target:
        source.backup(target)
    with sqlite3.connect(original) as before, sqlite3.connect(restored) as after:
        tables = sqlite_tables(before)
        assert sqlite_tables(after) == tables
        assert len(tables) > 40 and all(tables[t] for t in (FILES, PUBLISHED, "auth_user"))
        assert_published_pdfs_intact(
            list(after.execute(f"SELECT sha256, content FROM {FILES}")),
            list(after.execute(f"SELECT sha256, file_id FROM {PUBLISHED}")),
        )


def pg_tool(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    assert found[-1], f"{name} is not installed (apt-get install postgresql-client)"
    return found[-1]


def postgres_tables(dsn: dict) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(**dsn) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


def postgres_round_trip(tmp_path: Path) -> None:
    build_world()  # committed: this test runs outside a transaction
    params = connection.get_connection_params()
    dsn = {k: params[k] for k in ("host", "port", "user", "password", "dbname") if params.get(k)}
    env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
    where = ["-h", str(dsn.get("host", "127.0.0.1")), "-p", str(dsn.get("port", 5432))]
    where += ["-U", str(dsn.get("user", "postgres"))]
    dump = tmp_path / "scrutiny.dump"
    restored = f"{dsn['dbname']}_restored"
    # Backup: pg_dump --format=custom; restore: pg_restore into a new, empty database.
    subprocess.run(
        [pg_tool("pg_dump"), *where, "--format=custom", "--file", str(dump), dsn["dbname"]],
        env=env, check=True, timeout=300,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [pg_tool("pg_restore"), *where, "--no-owner", "--dbname", restored, str(dump)],
            env=env, check=True, timeout=300,
        )  # fmt: skip
        tables = postgres_tables(dsn)
        after = postgres_tables(dsn | {"dbname": restored})
        assert after == tables
        assert len(tables) > 40 and all(tables[t] for t in (FILES, PUBLISHED, "auth_user"))
        import psycopg

        with psycopg.connect(**(dsn | {"dbname": restored})) as db:
            assert_published_pdfs_intact(
                db.execute(f"SELECT sha256, content FROM {FILES}").fetchall(),
                db.execute(f"SELECT sha256, file_id FROM {PUBLISHED}").fetchall(),
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')


@pytest.mark.django_db(transaction=True)
def test_the_documented_database_backup_round_trips(tmp_path):
    sqlite_round_trip(tmp_path)
    if connection.vendor == "postgresql":
        postgres_round_trip(tmp_path)
