"""Template tags of the update round, for the pages of the other apps (which do not import
this one): ``{% load rounds %}{% update_round_for meeting as update_round %}``."""

from django import template

from ..reads import missing_returns, round_summary, rounds_dashboard

register = template.Library()


@register.simple_tag
def update_round_for(meeting):
    """The round of ``meeting`` with its counts (one query), or None; no query for a meeting
    of a body other than a scrutiny committee."""
    if not meeting.committee.is_scrutiny:
        return None
    return round_summary(meeting)


@register.simple_tag
def update_rounds_waiting():
    """Rounds open and returns waiting for the scrutiny officer's review (one query)."""
    return rounds_dashboard()


@register.simple_tag
def update_requests_for(officer) -> list:
    """The live requests asking ``officer`` for updates in rounds still open, each with
    ``item_count`` and ``done_count`` (one query)."""
    from ..reads import open_requests_for

    return open_requests_for(officer)


@register.simple_tag
def missing_returns_for(meeting):
    """What the round of ``meeting`` asked and did not get back, by owner (three queries), or
    None when it has no round."""
    return missing_returns(meeting.pk)
