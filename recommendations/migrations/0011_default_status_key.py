"""Carry today's statuses to the council's key: the key as the pages and documents showed it
(labels, colours, meanings, order), with today's values as its codes, so no record's status
changes and nothing shown changes. And a status an officer had set by hand to "Closed" or "Not
accepted", which now come only from the closure and the decision, is let go: where the record
agrees (closed by the committee; rejected) nothing shown changes; where it does not, the status
is derived again from the record, and the history says why."""

from django.db import migrations
from django.utils import timezone

# Today's key, written here as it stood (not imported: the code may change, this may not).
DEFAULT_KEY = [
    # code, label, category, colour, meaning, order, requires_reason
    (
        "achieved",
        "Achieved",
        "achieved",
        "green",
        "Achieved: monitoring no longer needed",
        1,
        False,
    ),
    (
        "on_track",
        "Acceptable progress",
        "on_track",
        "yellow",
        "Acceptable progress: keep monitoring",
        2,
        False,
    ),
    ("off_track", "Unacceptable progress", "off_track", "red", "Unacceptable progress", 3, False),
    ("not_started", "Not started", "not_started", "grey", "Not started", 4, False),
    ("paused", "Paused", "paused", "purple", "Paused", 5, True),
    (
        "not_accepted",
        "Not accepted",
        "not_accepted",
        "orange",
        "Not accepted by the executive",
        6,
        False,
    ),
    ("closed", "Closed", "closed", "blue", "Closed by the committee", 7, False),
]
KEY_REASON = "The council's status key, as the register showed it"
CLEARED_REASON = (
    "“{label}” comes only from the {source}: the status set by hand is let go, and the "
    "status derived from the record. {advice}"
)


def create_key(apps, schema_editor):
    Entry = apps.get_model("recommendations", "StatusKeyEntry")
    History = apps.get_model("recommendations", "HistoricalStatusKeyEntry")
    now = timezone.now()
    for code, label, category, colour, meaning, order, requires_reason in DEFAULT_KEY:
        if Entry.objects.filter(code=code).exists():
            continue
        entry = Entry.objects.create(
            code=code,
            label=label,
            category=category,
            colour=colour,
            meaning=meaning,
            order=order,
            requires_reason=requires_reason,
            offered=True,
            version=1,
            created_at=now,
            updated_at=now,
        )
        _history(History, entry, now, "+", KEY_REASON)


def _history(History, record, when, kind, reason):
    values = {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}
    History.objects.create(
        **values,
        history_date=when,
        history_type=kind,
        history_change_reason=reason,
        history_user=None,
    )


def _derived(rec, Action, Update):
    """The rule of ``statuses.derived_status`` on the default key, as it stands now."""
    if rec.closed_at_meeting_id:
        return "closed"
    if rec.decision == "rejected":
        return "not_accepted"
    statuses = set(Action.objects.filter(recommendation_id=rec.pk).values_list("status", flat=True))
    if not statuses:
        reported = (
            Update.objects.filter(recommendation_id=rec.pk, action__isnull=True)
            .exclude(reported_status="")
            .order_by("-date", "-pk")
            .values_list("reported_status", flat=True)
            .first()
        )
        return reported or "not_started"
    if statuses == {"achieved"}:
        return "achieved"
    if "off_track" in statuses:
        return "off_track"
    if statuses & {"on_track", "achieved"}:
        return "on_track"
    if "paused" in statuses:
        return "paused"
    return "not_started"


def let_go_of_hand_set_ends(apps, schema_editor):
    Recommendation = apps.get_model("recommendations", "Recommendation")
    History = apps.get_model("recommendations", "HistoricalRecommendation")
    Action = apps.get_model("recommendations", "ActionPlanItem")
    Update = apps.get_model("recommendations", "Update")
    now = timezone.now()
    for rec in Recommendation.objects.filter(status_set_by_officer__in=["closed", "not_accepted"]):
        held = rec.status_set_by_officer
        rec.status_set_by_officer = ""
        before = rec.status
        rec.status = _derived(rec, Action, Update)
        rec.version += 1
        rec.updated_at = now
        rec.save()
        if held == "closed":
            label, source = "Closed", "committee's closure"
            advice = "If the committee agreed to close it, record the closure."
        else:
            label, source = "Not accepted", "executive's decision"
            advice = "If the executive rejected it, record that decision."
        if before == rec.status:
            advice = "What it shows is unchanged."
        _history(
            History,
            rec,
            now,
            "~",
            CLEARED_REASON.format(label=label, source=source, advice=advice),
        )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0010_status_key")]

    operations = [
        migrations.RunPython(create_key, migrations.RunPython.noop),
        migrations.RunPython(let_go_of_hand_set_ends, migrations.RunPython.noop),
    ]
