"""The audit trail's hash chain: every history row carries the SHA-256 of its own content and
of the row before it in its table, so a row changed, removed or slipped in outside the app
(in SQL, say) shows.

One chain per history table, in ``history_id`` order. Each row's ``history_hash`` is
``sha256(previous hash + canonical content)``, and ``history_previous_hash`` repeats the hash
of the row before it, so :func:`verify` names the first row whose content or link does not
match. The canonical content is every field of the row but its id and the two hashes, as JSON
with sorted keys, values written one way whatever the database returns (dates ISO 8601,
date-times in UTC, decimals normalised); empty values (``None``, ``""``) are left out, so a
migration adding a nullable or blank field to an audited model keeps every hash. A history row
of a record with a many-to-many field kept in its history (a review's monitoring committees)
includes those rows.

Writers take one lock for all chains (PostgreSQL: a transaction-scoped advisory lock; SQLite
already serialises writing transactions, ``BEGIN IMMEDIATE``) before the first row of the
register they write and hold it to commit, so each writer reads the head of a chain that no
one else is extending: per-table chains, one lock. One lock rather than one a table because a
transaction writes several tables in varying orders, and locks taken in varying orders
deadlock. Nothing here imports an app: the tables are found through the app registry.
"""

import datetime
import decimal
import hashlib
import json
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction

HASH_FIELDS = ("history_hash", "history_previous_hash")
GENESIS = ""  # the "previous hash" of a table's first row
# pg_advisory_xact_lock takes a 64-bit key: this one is the audit trail's, for every table.
LOCK_KEY = zlib.crc32(b"scrutiny audit trail hash chain")


def hold_audit_lock(using: str = "default") -> None:
    """Take the audit trail's lock until the current transaction ends (PostgreSQL; on SQLite
    a writing transaction already holds the database). Re-entrant; a no-op outside a
    transaction, where there is nothing to hold it for."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


# --- canonical content --------------------------------------------------------------------


def _plain(field, value):
    """``value`` of ``field`` written one way, however it reached us (the instance being
    saved, or the database)."""
    if value is None:
        return None
    try:
        value = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return str(value)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value).hex()
    if isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _content_fields(model) -> list:
    return [
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in HASH_FIELDS
    ]


def _row_dict(fields, values) -> dict:
    row = {}
    for field, value in zip(fields, values, strict=True):
        plain = _plain(field, value)
        if plain is None or plain == "":
            continue
        row[field.attname] = plain
    return row


def m2m_history_models(model) -> list:
    """The tables of many-to-many rows kept with each row of history ``model`` (a foreign key
    called ``history`` to it, as django-simple-history makes them), in a fixed order."""
    found = []
    for relation in model._meta.related_objects:
        child = relation.related_model
        if relation.field.name == "history" and child._meta.pk.name == "m2m_history_id":
            found.append(child)
    return sorted(found, key=lambda m: m._meta.model_name)


def _child_fields(child) -> list:
    return [f for f in child._meta.concrete_fields if f.name not in ("history", "m2m_history_id")]


def canonical(row: dict, children: dict[str, list[dict]] | None = None) -> bytes:
    """The bytes hashed for a row: its plain values and its many-to-many rows (each list
    sorted), as JSON with sorted keys."""
    content = dict(row)
    for name, rows in sorted((children or {}).items()):
        content[f"m2m:{name}"] = sorted(
            rows, key=lambda r: json.dumps(r, sort_keys=True, separators=(",", ":"))
        )
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(previous: str, content: bytes) -> str:
    return hashlib.sha256(previous.encode() + b"\n" + content).hexdigest()


# --- writing --------------------------------------------------------------------------------


def seal(history_row, using: str | None = None) -> None:
    """Set ``history_hash`` and ``history_previous_hash`` on a history row about to be
    inserted (``SealedHistory.save`` calls this with the audit lock held)."""
    model = type(history_row)
    using = using or router.db_for_write(model)
    fields = _content_fields(model)
    row = _row_dict(fields, [getattr(history_row, f.attname) for f in fields])
    children = {}
    for child in m2m_history_models(model):
        children[child._meta.model_name] = _live_m2m_rows(history_row, child, using)
    previous = (
        model._base_manager.using(using)
        .order_by("-pk")
        .values_list("history_hash", flat=True)
        .first()
    )
    history_row.history_previous_hash = previous or GENESIS
    history_row.history_hash = chain_hash(previous or GENESIS, canonical(row, children))


def _live_m2m_rows(history_row, child, using) -> list[dict]:
    """The many-to-many rows django-simple-history is about to copy for ``history_row``: the
    through table's rows of the record, read as it reads them."""
    through = child.instance_type
    fields = _child_fields(child)
    source = next(
        f
        for f in through._meta.concrete_fields
        if f.is_relation and f.related_model is history_row.instance_type
    )
    values = through._base_manager.using(using).filter(
        **{source.attname: getattr(history_row, history_row.instance_type._meta.pk.attname)}
    )
    rows = values.values_list(*[f.attname for f in fields])
    return [_row_dict(fields, r) for r in rows]


# --- verifying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first row of a table that does not match: which, when, and how."""

    table: str
    history_id: object
    history_date: datetime.datetime | None
    problem: str

    def __str__(self) -> str:
        when = self.history_date.isoformat() if self.history_date else "no date"
        return f"{self.table}, history_id {self.history_id} ({when}): {self.problem}"


@dataclass(frozen=True)
class Report:
    rows: int
    tables: int
    breaks: list[Break]

    @property
    def intact(self) -> bool:
        return not self.breaks


def history_models(app_registry=None) -> list:
    """Every history table that carries the chain (the historical models with the hash
    fields), in a fixed order."""
    registry = app_registry or global_apps
    found = [
        m
        for m in registry.get_models()
        if all(any(f.attname == h for f in m._meta.concrete_fields) for h in HASH_FIELDS)
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


def _rows_with_children(model, using, chunk: int = 2000) -> Iterator[tuple]:
    fields = _content_fields(model)
    names = [f.attname for f in fields]
    children = {c._meta.model_name: c for c in m2m_history_models(model)}
    queryset = model._base_manager.using(using).order_by("pk")
    date_index = names.index("history_date") if "history_date" in names else None
    last = None
    while True:
        page = queryset.filter(pk__gt=last) if last is not None else queryset
        rows = list(page.values_list("pk", *HASH_FIELDS, *names)[:chunk])
        if not rows:
            return
        kept = {name: {} for name in children}
        for name, child in children.items():
            cfields = _child_fields(child)
            for parent, *values in (
                child._base_manager.using(using)
                .filter(history_id__in=[r[0] for r in rows])
                .values_list("history_id", *[f.attname for f in cfields])
            ):
                kept[name].setdefault(parent, []).append(_row_dict(cfields, values))
        for pk, stored, previous, *values in rows:
            row = _row_dict(fields, values)
            mine = {name: kept[name].get(pk, []) for name in children}
            date = values[date_index] if date_index is not None else None
            yield pk, stored, previous, canonical(row, mine), date
        last = rows[-1][0]


def verify_table(model, using: str = "default") -> tuple[int, Break | None]:
    """Walk one table's chain: (its rows, the first row that does not match or None)."""
    count = 0
    expected_previous = GENESIS
    for pk, stored, previous, content, date in _rows_with_children(model, using):
        count += 1
        table = model._meta.db_table
        if previous != expected_previous:
            problem = (
                "it does not follow the row before it (a row before it was removed, changed "
                "or added outside the app)"
            )
            return count, Break(table, pk, date, problem)
        if stored != chain_hash(previous, content):
            problem = "its content does not match its hash (changed outside the app)"
            return count, Break(table, pk, date, problem)
        expected_previous = stored
    return count, None


def verify(using: str = "default", app_registry=None) -> Report:
    """Walk every chain; the report counts the rows and names each table's first bad row."""
    rows = 0
    breaks = []
    tables = history_models(app_registry)
    for model in tables:
        count, broken = verify_table(model, using)
        rows += count
        if broken is not None:
            breaks.append(broken)
    return Report(rows=rows, tables=len(tables), breaks=breaks)


def seal_table(model, using: str = "default", *, only_unsealed_tail: bool = False) -> int:
    """Hash a table's rows in order (the migration that brings in the chain; a data migration
    that writes history rows itself). ``only_unsealed_tail`` seals only the rows after the last
    sealed one, leaving a row changed in the middle for :func:`verify` to find."""
    previous = GENESIS
    sealed = 0
    with transaction.atomic(using=using):
        hold_audit_lock(using)
        manager = model._base_manager.using(using)
        start = None
        if only_unsealed_tail:
            last = manager.exclude(history_hash="").order_by("-pk").first()
            if last is not None:
                previous, start = last.history_hash, last.pk
        for pk, _stored, _previous, content, _date in _rows_with_children(model, using):
            if start is not None and pk <= start:
                continue
            digest = chain_hash(previous, content)
            # The one write of history rows outside their own save: the chain itself.
            manager.filter(pk=pk).update(history_hash=digest, history_previous_hash=previous)
            previous = digest
            sealed += 1
    return sealed
