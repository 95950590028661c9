"""Statuses are words with colour, never colour alone (issue 3, point 9)."""

import pytest
from django.template import Context, Template

from recommendations.models import STATUS_KEY, RecommendationStatus

TAG = Template("{% load statuses %}{% status_tag status label %}")


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        ("achieved", "green"),
        ("on_track", "yellow"),
        ("off_track", "red"),
        ("not_started", "grey"),
        ("paused", "purple"),
        ("not_accepted", "orange"),
        ("closed", "blue"),
    ],
)
def test_every_status_is_a_tag_with_its_words_and_colour(status, colour):
    label = RecommendationStatus(status).label
    html = TAG.render(Context({"status": status, "label": label}))
    assert html == (
        f'<strong class="govuk-tag app-status-tag govuk-tag--{colour}" '
        f'data-status="{status}">{label}</strong>'
    )


def test_every_status_in_the_key_has_a_tag():
    assert set(STATUS_KEY) == set(RecommendationStatus.values)


def test_the_tag_escapes_and_falls_back_to_the_value():
    html = TAG.render(Context({"status": '<b>"x"</b>', "label": ""}))
    assert "<b>" not in html
    assert "govuk-tag--grey" in html
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt;</strong>" in html
