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
                    "recommendation", "action", "reply"
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
