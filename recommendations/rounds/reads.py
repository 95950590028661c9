"""What the round's pages read: each owner's request with its items and where each stands."""

from functools import partial

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, Prefetch, Q, Value, When
from django.utils import timezone

from scrutiny.formats import british_datetime
from scrutiny.links import pk_url

from .models import RequestState, ReturnState, UpdateRound

# The states an item is in, as the round's page names them (and filters by).
ITEM_STATES = {
    "not_sent": "Not sent",
    "requested": "Requested",
    "opened": "Opened",
    "draft": "Draft",
    "submitted": "Submitted",
    "accepted": "Accepted",
    "returned": "Sent back",
    "outstanding": "Outstanding",
}


def item_name(item) -> str:
    """ "2016/17 R1, action 2": an item as the round's pages name it (no query once the
    recommendation is read)."""
    recommendation = item.recommendation
    name = recommendation.reference or recommendation.label
    return f"{name}, action {item.action.number}" if item.action_id else name


# Where an item stands, in SQL: its return's state, else whether its request was opened or
# sent. The round's page counts, filters and shows items by it.
ITEM_STATE = Case(
    When(reply__isnull=False, then=F("reply__state")),
    When(request__first_opened_at__isnull=False, then=Value("opened")),
    When(request__sent_at__isnull=False, then=Value("requested")),
    default=Value("not_sent"),
    output_field=CharField(),
)
RETURNED = (ReturnState.SUBMITTED, ReturnState.ACCEPTED)
OWNERS_PER_PAGE = 50


def _live_items(update_round: UpdateRound):
    from .models import RequestItem

    return (
        RequestItem.objects.filter(request__round=update_round)
        .exclude(request__state=RequestState.FORWARDED)
        .annotate(item_state=ITEM_STATE)
    )


def _in_state(items, state: str):
    if state == "outstanding":
        return items.exclude(item_state__in=RETURNED)
    return items.filter(item_state=state)


def round_state_counts(update_round: UpdateRound) -> dict:
    """How many of the round's items are in each state (``ITEM_STATES``), outstanding (not
    submitted or accepted) among them: one query."""
    counts = dict.fromkeys(ITEM_STATES, 0)
    for state, count in (
        _live_items(update_round)
        .values("item_state")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("item_state", "count")
    ):
        counts[state] = count
        if state not in RETURNED:
            counts["outstanding"] += count
    return counts


def live_requests(update_round: UpdateRound):
    """The round's requests still asking (forwarded ones are named on their successor), in
    the order of the round's page: by owner."""
    return update_round.requests.exclude(state=RequestState.FORWARDED).order_by("owner__name", "pk")


def round_page(update_round: UpdateRound, *, state: str = "", page=None, today=None):
    """One page of the round's owners (``OWNERS_PER_PAGE`` of them; with ``state``, only those
    with an item in it, and only those items), each request with ``rows``: its items, where
    each stands and whether it is late, and ``reminded``: when reminders and chasers went. Four
    queries (the count, the requests, their items, their reminders), whatever the size of the
    round."""
    from .models import EmailKind, EmailSent, RequestItem

    today = today or timezone.localdate()
    past_deadline = today > update_round.deadline
    items = RequestItem.objects.annotate(item_state=ITEM_STATE)
    requests = live_requests(update_round)
    if state:
        items = _in_state(items, state)
        requests = requests.filter(
            pk__in=_in_state(_live_items(update_round), state).values("request_id")
        )
    requests = requests.select_related("owner", "forwarded_from__owner").prefetch_related(
        Prefetch(
            "items",
            queryset=items.select_related("recommendation", "action", "reply")
            .only(*ROW_FIELDS)
            .order_by(
                "recommendation__review_id", "recommendation__number", "action__number", "pk"
            ),
        )
    )
    found = Paginator(requests, OWNERS_PER_PAGE).get_page(page)
    reminded = {}
    for request_id, sent_at in (
        EmailSent.objects.filter(
            request__in=[request.pk for request in found.object_list],
            kind__in=(EmailKind.REMINDER, EmailKind.CHASER),
        )
        .order_by("sent_at", "pk")
        .values_list("request_id", "sent_at")
    ):
        reminded.setdefault(request_id, []).append(british_datetime(sent_at))
    recommendation_url = partial(pk_url, "recommendation_detail")
    review_url = partial(pk_url, "round_return_review")
    remove_url = partial(pk_url, "round_item_remove")
    for request in found.object_list:
        request.reminded = "; ".join(reminded.get(request.pk, []))
        request.rows = []
        for item in request.items.all():
            reply = getattr(item, "reply", None)
            request.rows.append(
                {
                    "item": item,
                    "name": item_name(item),
                    "link": recommendation_url(item.recommendation_id),
                    "reply": reply,
                    "review_url": review_url(reply.pk) if reply else "",
                    "remove_url": remove_url(item.pk),
                    "state": item.item_state,
                    "label": ITEM_STATES[item.item_state],
                    "late": past_deadline and item.item_state not in RETURNED,
                }
            )
    return found


# What the round's page reads of each item (``round_page``): no more.
ROW_FIELDS = (
    "id",
    "request_id",
    "recommendation__id",
    "recommendation__number",
    "recommendation__reference",
    "recommendation__review_id",
    "action__id",
    "action__number",
    "reply__id",
    "reply__state",
    "reply__submitted_at",
    "reply__decided_at",
    "reply__updated_at",
)


def request_page_url(request) -> str:
    """The round's page showing ``request``'s owner (the page they are on, at their section):
    where the officer goes back to after acting for one owner. One query."""
    before = (
        live_requests(request.round)
        .filter(
            Q(owner__name__lt=request.owner.name)
            | Q(owner__name=request.owner.name, pk__lt=request.pk)
        )
        .count()
    )
    number = before // OWNERS_PER_PAGE + 1
    query = f"?page={number}" if number > 1 else ""
    return f"{request.round.get_absolute_url()}{query}#request-{request.pk}"


def round_summary(meeting):
    """The round of ``meeting``, annotated with ``item_count`` and ``returned_count``
    (submitted or accepted) and ``waiting_count`` (submitted, awaiting review): one query."""
    from django.db.models import Count, Q

    returned = Q(requests__items__reply__state__in=[ReturnState.SUBMITTED, ReturnState.ACCEPTED])
    return (
        UpdateRound.objects.filter(meeting=meeting)
        .annotate(
            item_count=Count("requests__items", distinct=True),
            returned_count=Count("requests__items", filter=returned, distinct=True),
            waiting_count=Count(
                "requests__items",
                filter=Q(requests__items__reply__state=ReturnState.SUBMITTED),
                distinct=True,
            ),
        )
        .first()
    )


def rounds_dashboard() -> dict:
    """What the dashboard shows a scrutiny officer: the rounds open, soonest deadline first,
    each with ``waiting_count`` (returns submitted, awaiting review), and the totals (one
    query)."""
    from django.db.models import Count, Q

    from .models import RoundState

    rounds = list(
        UpdateRound.objects.filter(state=RoundState.OPEN)
        .select_related("meeting__committee")
        .annotate(
            waiting_count=Count(
                "requests__items",
                filter=Q(requests__items__reply__state=ReturnState.SUBMITTED),
                distinct=True,
            )
        )
        .order_by("deadline", "pk")
    )
    return {"rounds": rounds, "waiting": sum(r.waiting_count for r in rounds)}


def open_requests_for(officer) -> list:
    """``officer``'s live requests in open rounds, soonest deadline first (one query)."""
    from django.db.models import Count, Q

    from .models import RoundState

    if officer is None:
        return []
    return list(
        officer.update_requests.filter(round__state=RoundState.OPEN)
        .exclude(state=RequestState.FORWARDED)
        .select_related("round__meeting__committee")
        .annotate(
            item_count=Count("items", distinct=True),
            done_count=Count(
                "items",
                filter=Q(items__reply__state__in=[ReturnState.SUBMITTED, ReturnState.ACCEPTED]),
                distinct=True,
            ),
        )
        .order_by("round__deadline", "pk")
    )


# --- what the meeting's tracker says of the round ------------------------------------------

# The emails that asked an owner: the request, then reminders and chasers.
ASKING = ("request", "reminder", "chaser")


def _dates(days) -> str:
    from scrutiny.formats import british_date

    return ", ".join(british_date(day) for day in days)


def _states_as_at(item_ids, as_at):
    """Each item's return state at the end of ``as_at``, from the returns' history (one
    query): {item id: (state, when it was last decided)}."""
    import datetime

    from .models import Return

    end = timezone.make_aware(datetime.datetime.combine(as_at, datetime.time.max))
    states = {}
    for item_id, state, decided in (
        Return.history.filter(item_id__in=item_ids, history_date__lte=end)
        .order_by("history_date", "history_id")
        .values_list("item_id", "state", "decided_at")
    ):
        states[item_id] = (state, decided)
    return states


def missing_returns(meeting_id: int, as_at=None) -> dict | None:
    """What the update round of the meeting ``meeting_id`` asked and did not get back, as the
    meeting's tracker and page list it: each item requested (its request emailed) with no
    return submitted or accepted, grouped by owner, with the days the owner was asked
    (requested on, reminded on). ``as_at`` a date: the position at the end of that day (from
    the returns' history; emails sent later left out). None when the meeting has no round.
    Three queries (four as at a date), whatever the size of the round."""
    from .models import EmailSent, RequestItem, UpdateRound

    update_round = (
        UpdateRound.objects.filter(meeting_id=meeting_id).only("pk", "deadline", "state").first()
    )
    if update_round is None:
        return None
    items = list(
        RequestItem.objects.filter(request__round=update_round)
        .exclude(request__state=RequestState.FORWARDED)
        .select_related("request__owner", "recommendation", "action", "reply")
        .order_by(
            "request__owner__name",
            "request_id",
            "recommendation__review_id",
            "recommendation__number",
            "action__number",
            "pk",
        )
    )
    emails = EmailSent.objects.filter(round=update_round, kind__in=ASKING)
    if as_at is not None:
        emails = emails.filter(sent_at__date__lte=as_at)
    asked: dict[int, dict] = {}
    for request_id, kind, sent_at in emails.order_by("sent_at", "pk").values_list(
        "request_id", "kind", "sent_at"
    ):
        days = asked.setdefault(request_id, {"requested": [], "reminded": []})
        day = timezone.localdate(sent_at)
        which = days["requested"] if kind == "request" else days["reminded"]
        if day not in which:
            which.append(day)
    if as_at is not None:
        states = _states_as_at([item.pk for item in items], as_at)
    else:
        states = {
            item.pk: (item.reply.state, item.reply.decided_at)
            for item in items
            if getattr(item, "reply", None) is not None
        }
    returned = {ReturnState.SUBMITTED, ReturnState.ACCEPTED}
    owners: dict[int, dict] = {}
    counts = {"requested": 0, "returned": 0, "waiting": 0}
    for item in items:
        days = asked.get(item.request_id)
        if not days or not days["requested"]:
            continue  # never emailed (as at that day): not requested
        counts["requested"] += 1
        state, decided = states.get(item.pk, ("", None))
        if state in returned:
            counts["returned"] += 1
            counts["waiting"] += state == ReturnState.SUBMITTED
            continue
        owner = item.request.owner
        row = owners.setdefault(
            item.request_id,
            {
                "owner": owner.name,
                "requested_on": _dates(days["requested"][:1]),
                "reminded_on": _dates(days["reminded"]),
                "items": [],
            },
        )
        note = "Not returned"
        if state == ReturnState.RETURNED:
            from scrutiny.formats import british_date

            sent_back = f" on {british_date(timezone.localdate(decided))}" if decided else ""
            note = f"Sent back to the owner{sent_back}; not returned again"
        elif state == ReturnState.DRAFT:
            note = "Not returned (a draft was started)"
        row["items"].append({"name": item_name(item), "note": note})
    return {
        "deadline": update_round.deadline,
        "deadline_text": _dates([update_round.deadline]),
        "owners": list(owners.values()),
        "missing": sum(len(row["items"]) for row in owners.values()),
        **counts,
    }
