"""Who changed what and when: history entries with each field's old and new value."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from simple_history.utils import get_m2m_reverse_field_name

from scrutiny.audit import person_name
from scrutiny.formats import british_date

from .models import status_key

# The fields holding a status of the council's key, by model: shown in its words.
STATUS_FIELDS = {
    "recommendation": ("status", "status_set_by_officer"),
    "actionplanitem": ("status",),
    "update": ("reported_status",),
}

User = get_user_model()

# Parent links are implied by the page the history is shown on.
HIDDEN_FIELDS = {
    "version",
    "updated_at",
    "created_at",
    "id",
    "reference_is_generated",
    "reference_year",  # the reference itself shows its year and number
    "reference_number",
    "review",
    "recommendation",
}
CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    user: object
    action: str
    record_label: str
    record_kind: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    # (model, history type, [(field, old value, new value)]): what changed, as stored, until
    # ``describe_changes`` turns it into ``changes`` with values as people read them.
    stored_changes: tuple = ()


def _display(model, field_name: str, value, related: dict) -> str:
    model_field = model._meta.get_field(field_name)
    if isinstance(model_field, models.ManyToManyField):
        names = sorted(
            str(related.get((model_field.related_model, pk), f"(removed record {pk})"))
            for pk in value or ()
        )
        return ", ".join(names) if names else "(none)"
    if value in (None, ""):
        return "(blank)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if field_name in STATUS_FIELDS.get(model._meta.model_name, ()):
        return status_key().label(value)  # the council's key, in words
    if isinstance(model_field, models.ForeignKey):
        obj = related.get((model_field.related_model, value))
        if obj is None:
            return f"(removed record {value})"
        # A user is named as people know them, not by the username they sign in with.
        return person_name(obj) if model_field.related_model is User else str(obj)
    if isinstance(model_field, models.DateField) and hasattr(value, "strftime"):
        return british_date(value)
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    return str(value)


def _fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and not f.name.startswith("history")
    ]


def history_entries(sources: list[tuple[type, models.QuerySet, str]]) -> list[HistoryEntry]:
    """Entries for several records, newest first. ``sources`` holds (model, history rows of
    that model, kind label) triples. One query per source.

    Each entry knows which fields changed; pass the entries a page shows to
    ``describe_changes`` for their old and new values as people read them (a record's
    history runs to hundreds of entries, and a page shows fifty)."""
    entries = []
    users = {}  # who made the changes, by id: one instance each
    for model, history_rows, kind in sources:
        # Plain values, not historical instances: a record's history is a few hundred rows,
        # each with a user joined (bench/profile_page.py: a fifth of the history page).
        rows = list(
            history_rows.order_by("id", "history_date", "history_id").values(
                *{f.attname for f in model._meta.concrete_fields},
                *HISTORY_VALUES,
            )
        )
        previous_by_id = {}
        fields = [(f, f.attname) for f in _fields(model)]
        linked = _many_to_many(history_rows) if rows else {}
        for row in rows:
            previous = previous_by_id.get(row["id"])
            history_type = row["history_type"]
            changed = []
            if history_type != "-":
                for f, attname in fields:
                    new = row[attname]
                    if previous is None:
                        if history_type == "+" and new in (None, ""):
                            continue
                        old = None
                    else:
                        old = previous[attname]
                        if old == new:
                            continue
                    changed.append((f, old, new))
            for f, by_row in linked.items():
                new = by_row.get(row["history_id"], frozenset())
                old = (
                    by_row.get(previous["history_id"], frozenset())
                    if previous is not None
                    else None
                )
                if history_type == "-" or (previous is None and not new) or old == new:
                    continue
                changed.append((f, old, new))
            entries.append(
                HistoryEntry(
                    when=row["history_date"],
                    user=_user(row, users),
                    action=CHANGE_TYPES.get(history_type, history_type),
                    record_label=_record_label(model, row),
                    record_kind=kind,
                    reason=row["history_change_reason"] or "",
                    stored_changes=(model, history_type, changed),
                )
            )
            previous_by_id[row["id"]] = row
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


# What a history entry reads of its row besides the record's fields.
HISTORY_VALUES = (
    "history_id",
    "history_date",
    "history_type",
    "history_change_reason",
    "history_user_id",
    "history_user__username",
    "history_user__first_name",
    "history_user__last_name",
)


def _user(row: dict, users: dict):
    """Who made the change of a history row read as values: a user with the names
    ``person_name`` reads (None for none, or a removed account)."""
    pk = row["history_user_id"]
    if pk is None or row["history_user__username"] is None:
        return None
    if pk not in users:
        users[pk] = User(
            pk=pk,
            username=row["history_user__username"],
            first_name=row["history_user__first_name"],
            last_name=row["history_user__last_name"],
        )
    return users[pk]


def _many_to_many(history_rows: models.QuerySet) -> dict:
    """For each many-to-many field whose history is kept with the rows of ``history_rows``
    (django-simple-history's ``_history_m2m_fields``): the ids it linked to as at each row, by
    the row's ``history_id``. One query per such field."""
    history_model = history_rows.model
    linked = {}
    for f in getattr(history_model, "_history_m2m_fields", ()):
        through = getattr(history_model, f.name).model
        target = get_m2m_reverse_field_name(f)
        by_row = defaultdict(set)
        pairs = through.objects.filter(
            history__in=history_rows.order_by().values("history_id")
        ).values_list("history_id", f"{target}_id")
        for history_id, pk in pairs:
            by_row[history_id].add(pk)
        linked[f] = {history_id: frozenset(pks) for history_id, pks in by_row.items()}
    return linked


# What each model's name (__str__) reads, loaded with it.
NAME_READS = {
    "Meeting": ["committee"],
    "ActionPlanItem": ["recommendation__review"],
    "Recommendation": ["review"],
}


def describe_changes(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """Fill in each entry's ``changes``: each changed field's label, old and new value as
    people read them (a committee's name, not its number). One query per related model
    named in a changed foreign key. Returns ``entries``."""
    wanted = defaultdict(set)
    for entry in entries:
        for f, old, new in entry.stored_changes[2]:
            if isinstance(f, models.ForeignKey):
                wanted[f.related_model].update(v for v in (old, new) if v is not None)
            elif isinstance(f, models.ManyToManyField):
                wanted[f.related_model].update({*(old or ()), *new})
    related = {}
    for related_model, ids in wanted.items():
        manager = related_model._default_manager
        follow = NAME_READS.get(related_model.__name__)
        queryset = manager.select_related(*follow) if follow else manager.all()
        for pk, obj in queryset.in_bulk(ids).items():
            related[(related_model, pk)] = obj
    for entry in entries:
        model, history_type, changed = entry.stored_changes
        entry.changes = [
            FieldChange(
                label=str(f.verbose_name).capitalize(),
                old="" if history_type == "+" else _display(model, f.name, old, related),
                new=_display(model, f.name, new, related),
            )
            for f, old, new in changed
        ]
    return entries


def _record_label(model, row) -> str:
    name = model.__name__
    if name == "Recommendation":
        return f"Recommendation {row['number']}"
    if name == "ActionPlanItem":
        return f"Action {row['number']}"
    if name == "Update":
        return f"Update of {british_date(row['date'])}"
    if name == "TargetDateRevision":
        return "Target date revision"
    if name == "ReviewMember":
        return "Membership"
    return model._meta.verbose_name.capitalize()
