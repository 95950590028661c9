"""What the round's pages read: each owner's request with its items and where each stands."""

from django.utils import timezone

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


def item_state(item, request) -> str:
    reply = getattr(item, "reply", None)
    if reply is not None:
        return reply.state
    if request.first_opened_at:
        return "opened"
    if request.sent_at:
        return "requested"
    return "not_sent"


def item_name(item) -> str:
    """ "2016/17 R1, action 2": an item as the round's pages name it (no query once the
    recommendation is read)."""
    recommendation = item.recommendation
    name = recommendation.reference or recommendation.label
    return f"{name}, action {item.action.number}" if item.action_id else name


def round_rows(update_round: UpdateRound, today=None) -> list[dict]:
    """One row per live request (forwarded ones are named on their successor), each with its
    items and their states. Two queries, whatever the size of the round."""
    from django.db.models import Prefetch

    from .models import RequestItem

    today = today or timezone.localdate()
    past_deadline = today > update_round.deadline
    requests = (
        update_round.requests.exclude(state=RequestState.FORWARDED)
        .select_related("owner", "forwarded_from__owner")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=RequestItem.objects.select_related(
                    "recommendation__review", "action", "reply"
                ).order_by(
                    "recommendation__review_id", "recommendation__number", "action__number", "pk"
                ),
            )
        )
        .order_by("owner__name", "pk")
    )
    rows = []
    for request in requests:
        items = []
        for item in request.items.all():
            state = item_state(item, request)
            items.append(
                {
                    "item": item,
                    "name": item_name(item),
                    "reply": getattr(item, "reply", None),
                    "state": state,
                    "label": ITEM_STATES[state],
                    "outstanding": state not in (ReturnState.SUBMITTED, ReturnState.ACCEPTED),
                    "late": past_deadline
                    and state not in (ReturnState.SUBMITTED, ReturnState.ACCEPTED),
                }
            )
        rows.append({"request": request, "items": items})
    return rows


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
