"""A full backup a council can take away, and its restore into an empty database (issue 14,
point 4): the council's exit from the product as much as its backup.

The backup is a zip file of CSV files, one per table: every record of the register (reviews,
recommendations, the documents published to meetings, the update rounds, the people and
committees, the status key and reference scheme), every history table that django-simple-
history keeps beside them, and the user accounts and roles their history names. Beside them:

- ``manifest.json``: the format and its version, the product's schema (the migrations applied
  to each app), and for each file its model, table, number of rows and columns (name, type,
  whether it may be empty, the table it refers to, and what it holds);
- ``README.txt``: the same in words, for whoever opens the zip;
- ``files/``: the bytes of the published PDFs, which their CSV names.

Cells: UTF-8, one header row of column names; dates as ISO 8601 (2017-07-06), date-times as
ISO 8601 in UTC (2017-07-06T09:00:00+00:00), yes/no as ``true``/``false``, a reference to
another record as its primary key; an empty cell is no value (NULL) in a column that may be
empty, else an empty text.

``restore`` loads a backup into an empty database (migrated, no records), keeping primary
keys, versions, timestamps and history rows, so every page reads as it did. It refuses a file
that is not such a backup, a backup of another schema, and a database that holds records.
"""

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .models import forget_status_key

FORMAT = "scrutiny-tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
README = "README.txt"

# The apps whose records are the register; and the accounts and roles their history names.
REGISTER_APPS = ("reviews", "recommendations", "documents", "rounds", "accounts")
ACCOUNT_MODELS = ("auth.Group", "auth.User", "auth.User_groups")
# What ``migrate`` itself writes (the roles, the default status key and reference scheme,
# each with its history): a new database holds these, and a restore replaces them.
SEEDED_MODELS = (
    "auth.Group",
    "recommendations.StatusKeyEntry",
    "recommendations.HistoricalStatusKeyEntry",
    "recommendations.ReferenceScheme",
    "recommendations.HistoricalReferenceScheme",
)


class BackupRefused(Exception):
    """The file cannot be restored here; the message says why, for the person restoring."""


# --- what is backed up ---------------------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Every table of the backup, each after the tables it refers to: the accounts and
    roles, then every model of the register's apps with its history tables and the tables of
    its many-to-many fields."""
    chosen = [apps.get_model(label) for label in ACCOUNT_MODELS]
    for app in REGISTER_APPS:
        chosen += list(apps.get_app_config(app).get_models(include_auto_created=True))
    ordered: list[type[models.Model]] = []

    def place(model, seen=()):
        if model in ordered or model in seen:
            return
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and target is not model and target in chosen:
                place(target, (*seen, model))
        ordered.append(model)

    for model in chosen:
        place(model)
    return ordered


def schema() -> dict[str, list[str]]:
    """The migrations applied to each app of the backup: the schema its tables have."""
    labels = {m._meta.app_label for m in backup_models()}
    applied = MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations()
    return {app: sorted(name for a, name in applied if a == app) for app in sorted(labels)}


def _file_name(model) -> str:
    return f"{model._meta.label_lower}.csv"


def _describe(model) -> str:
    history_of = getattr(model, "instance_type", None)
    if history_of is not None:
        return (
            f"The history of {history_of._meta.verbose_name_plural}: one row for each time "
            "one was created (+), changed (~) or deleted (-), with its values then, who did "
            "it, when and why."
        )
    if model._meta.auto_created:
        return f"The links of a many-to-many field: {model._meta.verbose_name}."
    return str(model._meta.verbose_name_plural).capitalize() + "."


def _column(field) -> dict:
    target = field.related_model if field.is_relation else None
    return {
        "name": field.attname,
        "type": field.get_internal_type(),
        "may_be_empty": field.null,
        "refers_to": target._meta.label if target is not None else None,
        "description": str(field.help_text or field.verbose_name),
    }


# --- cells ---------------------------------------------------------------------------------

BINARY = "BinaryField"


def encode(field, value) -> str:
    """A value as a CSV cell (see the module's docstring)."""
    if value is None:
        return ""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return "true" if value else "false"
    if kind == "DateTimeField":
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if kind == "JSONField":
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def decode(field, text: str):
    """A CSV cell as the value ``encode`` wrote."""
    if text == "" and field.null:
        return None
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return {"true": True, "false": False}[text]
    if kind == "DateTimeField":
        return datetime.datetime.fromisoformat(text)
    if kind == "DateField":
        return datetime.date.fromisoformat(text)
    if kind == "JSONField":
        return json.loads(text)
    return field.to_python(text)


# --- making a backup -----------------------------------------------------------------------


class _Stream:
    """A write-only file gathering what the zip writes, handed on in chunks."""

    def __init__(self):
        self.buffer = bytearray()

    def write(self, data) -> int:
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.buffer = bytes(self.buffer), bytearray()
        return data


ROWS_A_CHUNK = 2000


def backup_chunks() -> Iterator[bytes]:
    """The backup as a zip file, in chunks as it is written (for a file or a streamed
    download): the tables one after another, then the published PDFs' bytes, the manifest and
    the README. On PostgreSQL it reads one snapshot of the database (a repeatable-read,
    read-only transaction; within a transaction already open, that one's), so a backup taken
    while people work is consistent. SQLite reads
    each table as it stands (a transaction there would hold up every writer until the end)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:  # must come first in the transaction
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield from _zip_chunks()
    else:
        yield from _zip_chunks()


def _zip_chunks() -> Iterator[bytes]:
    stream = _Stream()
    files = []
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model in backup_models():
            fields = list(model._meta.concrete_fields)
            binary = [f for f in fields if f.get_internal_type() == BINARY]
            count = 0
            with archive.open(_file_name(model), "w", force_zip64=True) as member:
                text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow([f.attname for f in fields])
                plain = [f for f in fields if f not in binary]
                rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in plain])
                for values in rows.iterator(chunk_size=ROWS_A_CHUNK):
                    by_name = dict(zip(plain, values, strict=True))
                    pk = by_name[model._meta.pk]
                    writer.writerow(
                        [
                            _blob_name(model, pk, f) if f in binary else encode(f, by_name[f])
                            for f in fields
                        ]
                    )
                    count += 1
                    if count % ROWS_A_CHUNK == 0:
                        text.flush()
                        yield stream.take()
                text.flush()
                text.detach()
            yield stream.take()
            for field in binary:
                content = model._base_manager.order_by("pk").values_list("pk", field.attname)
                for pk, data in content.iterator(chunk_size=50):
                    archive.writestr(_blob_name(model, pk, field), bytes(data or b""))
                    yield stream.take()
            files.append(
                {
                    "file": _file_name(model),
                    "model": model._meta.label,
                    "table": model._meta.db_table,
                    "history_of": getattr(model, "instance_type", None)
                    and model.instance_type._meta.label,
                    "description": _describe(model),
                    "rows": count,
                    "primary_key": model._meta.pk.attname,
                    "columns": [_column(f) for f in fields],
                }
            )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "made_at": timezone.now().astimezone(datetime.UTC).isoformat(),
            "council": settings.COUNCIL_NAME,
            "schema": schema(),
            "cells": CELLS,
            "files": files,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        archive.writestr(README, readme(manifest))
    yield stream.take()


def _blob_name(model, pk, field) -> str:
    suffix = ".pdf" if model._meta.label == "documents.DocumentFile" else ".bin"
    return f"files/{model._meta.label_lower}/{pk}-{field.attname}{suffix}"


CELLS = {
    "encoding": "UTF-8, comma-separated, one header row of column names",
    "empty": "no value (NULL) in a column that may be empty, else an empty text",
    "date": "ISO 8601: 2017-07-06",
    "date_time": "ISO 8601 in UTC: 2017-07-06T09:00:00+00:00",
    "yes_no": "true or false",
    "reference": "the primary key of the record referred to (see refers_to)",
    "binary": "the name of the file in the zip holding the bytes (files/...)",
}


def readme(manifest: dict) -> str:
    lines = [
        f"Backup of the scrutiny recommendations tracker of {manifest['council']}",
        f"made {manifest['made_at']} (format {FORMAT}, version {FORMAT_VERSION}).",
        "",
        "Every record of the register and its whole history of changes, one CSV file per",
        "table. manifest.json describes each file: its model and table, its rows, and each",
        "column's name, type, whether it may be empty and the table it refers to.",
        "History tables (historical...) hold one row for each time a record was created (+),",
        "changed (~) or deleted (-): its values then, who (history_user_id), when",
        "(history_date) and why (history_change_reason).",
        "",
        "Cells:",
        *[f"  {name}: {text}" for name, text in manifest["cells"].items()],
        "",
        "The accounts (auth.user.csv) carry their password hashes, not passwords: keep this",
        "file as safe as the database itself.",
        "",
        "To restore into a new, empty database: python manage.py migrate, then",
        "python manage.py restore_backup FILE.",
        "",
        "Files:",
        *[f"  {f['file']} ({f['rows']} rows): {f['description']}" for f in manifest["files"]],
    ]
    return "\n".join(lines) + "\n"


# --- restoring -----------------------------------------------------------------------------


@dataclass
class Restored:
    tables: int
    rows: int


def _read_manifest(archive: zipfile.ZipFile, name: str) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupRefused(
            f"{name} is not a backup of this tracker: it has no {MANIFEST}. Use a file made "
            "by export_backup or the administrator's download."
        ) from None
    except (ValueError, zipfile.BadZipFile, OSError) as problem:
        raise BackupRefused(
            f"{name} is damaged: its {MANIFEST} cannot be read ({problem})."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(
            f"{name} is not a backup of the scrutiny recommendations tracker (its manifest "
            f"does not name the format {FORMAT!r})."
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            f"{name} is a backup of format version {manifest.get('format_version')}; this "
            f"version of the product restores version {FORMAT_VERSION}."
        )
    return manifest


def _check_schema(manifest: dict, name: str) -> None:
    theirs, ours = manifest.get("schema") or {}, schema()
    differ = sorted(
        app
        for app in set(theirs) | set(ours)
        if sorted(theirs.get(app, [])) != sorted(ours.get(app, []))
    )
    if differ:
        details = "; ".join(
            f"{app}: the backup's latest is {(theirs.get(app) or ['none'])[-1]}, the "
            f"database's {(ours.get(app) or ['none'])[-1]}"
            for app in differ
        )
        raise BackupRefused(
            f"{name} was made by another version of the product ({details}). Restore it with "
            "the version that made it, into a database migrated by that version; then "
            "upgrade the product and run migrate."
        )


def _check_empty(models_: list) -> None:
    seeded = {apps.get_model(label) for label in SEEDED_MODELS}
    held = [
        f"{model._base_manager.count()} {model._meta.verbose_name_plural}"
        for model in models_
        if model not in seeded and model._base_manager.exists()
    ]
    if held:
        raise BackupRefused(
            "The database is not empty (it holds "
            + ", ".join(held[:5])
            + (", ..." if len(held) > 5 else "")
            + "): a backup is restored only into a new database. Create one, run migrate, "
            "then restore_backup, before anyone signs in or adds anything. Nothing was changed."
        )


def restore(file, *, name: str = "the file") -> Restored:
    """Load the backup in ``file`` (a path or an open binary file) into this database, which
    must be empty; all of it in one transaction, or nothing. Raises ``BackupRefused``."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise BackupRefused(
            f"{name} is not a backup of this tracker: it is not a zip file (a backup is the "
            "zip export_backup makes)."
        ) from None
    with archive:
        manifest = _read_manifest(archive, name)
        _check_schema(manifest, name)
        entries = {entry.get("model"): entry for entry in manifest.get("files", [])}
        chosen = backup_models()
        for model in chosen:
            entry = entries.get(model._meta.label)
            columns = [f.attname for f in model._meta.concrete_fields]
            if entry is None or [c.get("name") for c in entry.get("columns", [])] != columns:
                raise BackupRefused(
                    f"{name} is damaged or not of this schema: the table of "
                    f"{model._meta.verbose_name_plural} ({model._meta.label}) is missing or "
                    "has other columns."
                )
        _check_empty(chosen)
        connection = connections[DEFAULT_DB_ALIAS]
        total = 0
        with transaction.atomic():
            _clear_seeded()
            for model in chosen:
                total += _load(archive, model, entries[model._meta.label], name)
            # Explicit primary keys leave PostgreSQL's sequences behind: set them past the
            # highest key, as loaddata does (SQLite keeps its own count).
            statements = connection.ops.sequence_reset_sql(no_style(), chosen)
            if statements:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
            try:
                connection.check_constraints(table_names=[m._meta.db_table for m in chosen])
            except IntegrityError as problem:
                raise BackupRefused(
                    f"{name} is damaged: a record refers to one the backup does not hold "
                    f"({problem}). Nothing was restored."
                ) from None
        forget_status_key()
    return Restored(tables=len(chosen), rows=total)


def _clear_seeded() -> None:
    """Remove what ``migrate`` wrote (the roles, the default status key and reference scheme,
    with their history): the backup holds the council's own, with its own history."""
    for label in SEEDED_MODELS:
        model = apps.get_model(label)
        for record in model._base_manager.order_by("pk"):
            record.delete()
    for label in SEEDED_MODELS:  # the deletions just made wrote history rows: gone too
        model = apps.get_model(label)
        for record in model._base_manager.order_by("pk"):
            record.delete()


def _load(archive: zipfile.ZipFile, model, entry: dict, name: str) -> int:
    """Insert the rows of one table as the backup holds them.

    This is the one place records are written other than through the services, and history
    rows are written directly: a restore copies the audit trail, it does not bypass it. Each
    row, history rows included, is inserted with ``save_base(raw=True)``, as Django's
    ``loaddata`` does: the values are the backup's (primary key, version, timestamps), no
    version is bumped, and django-simple-history writes no new history row for a raw save
    (the history is the backup's own history tables, restored row for row)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    count = 0
    try:
        member = archive.open(entry["file"])
    except KeyError:
        raise BackupRefused(f"{name} is damaged: it has no {entry['file']}.") from None
    with member, io.TextIOWrapper(member, encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        line = 1  # the header
        try:
            header = next(reader)
            if header != list(fields):
                raise BackupRefused(f"{name} is damaged: {entry['file']} has other columns.")
            for row in reader:
                line += 1
                values = {}
                for (attname, field), cell in zip(fields.items(), row, strict=True):
                    if field.get_internal_type() == BINARY:
                        values[attname] = archive.read(cell) if cell else None
                    else:
                        values[attname] = decode(field, cell)
                model(**values).save_base(raw=True, force_insert=True)
                count += 1
        except BackupRefused:
            raise
        except (ValueError, KeyError, TypeError, csv.Error, zipfile.BadZipFile) as problem:
            where = f"line {line}" if line > 1 else "its header"
            raise BackupRefused(
                f"{name} is damaged: {entry['file']}, {where}, cannot be read ({problem}). "
                "Nothing was restored."
            ) from None
        except IntegrityError as problem:
            raise BackupRefused(
                f"{name} cannot be restored: {entry['file']}, line {line}: {problem}. Nothing "
                "was restored."
            ) from None
    if count != entry.get("rows"):
        raise BackupRefused(
            f"{name} is damaged: {entry['file']} holds {count} rows, its manifest says "
            f"{entry.get('rows')}. Nothing was restored."
        )
    return count
