"""The registers' rows, made ready to print (``recommendations.registers``), the pagination's
list (``page_links``) and the filter selects' options read as plain values: each says what the
model and the templates said before they were made faster."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils import timezone

from recommendations.filtersets import CHOICE_LABELS, RecommendationFilterSet
from recommendations.models import Recommendation
from recommendations.registers import (
    EXCERPT_WORDS,
    recommendation_rows,
    review_rows,
)
from recommendations.templatetags.statuses import status_tag
from recommendations.views.reviews import reviews_register
from reviews.models import Officer, Review
from scrutiny.audit import acting_as
from scrutiny.templatetags.register import PageLink, page_links

D = datetime.date


def test_recommendation_rows_print_each_cell_in_the_order_asked(demo, officer_user):
    today = timezone.localdate()
    register = Recommendation.objects.for_register(today)
    r1 = Recommendation.objects.get(reference="2016/17 R1")
    merton = Review.objects.get(title="Shared and outsourced services in Merton")
    r2 = Recommendation(
        review=merton,
        number=99,
        text=" ".join(f"word{n}" for n in range(40)),
        reference=None,
        reference_is_generated=False,  # none typed, none given: the number shows instead
    )
    with acting_as(officer_user):
        r2.save()
    rows = recommendation_rows(register, [r2.pk, 999_999, r1.pk])  # a key since deleted
    assert [row.url for row in rows] == [r2.get_absolute_url(), r1.get_absolute_url()]
    second, first = rows
    assert second.label == f"Recommendation {r2.number}"
    assert second.excerpt == " ".join(f"word{n}" for n in range(EXCERPT_WORDS)) + " …"
    assert (second.body, second.lead_officer) == ("", "")
    assert second.response == "Awaiting response"
    assert second.latest_update == "None"
    assert second.review_url == r2.review.get_absolute_url()
    assert second.review_title == r2.review.title
    r1 = register.get(pk=r1.pk)
    assert first.label == "2016/17 R1"
    assert first.response == r1.get_decision_display()
    assert first.body == r1.responsible_body.name
    assert first.lead_officer == r1.lead_officer.name
    assert first.status_tag == status_tag(r1.status)
    assert first.has_overdue_action is r1.has_overdue_action is True  # June 2017, not achieved
    assert first.latest_update == f"{r1.latest_update_date.day} {r1.latest_update_date:%B %Y}"
    assert recommendation_rows(register, []) == []


def test_review_rows_follow_the_reviews_own_deadline_rules(demo):
    today = D(2017, 1, 20)
    reviews = list(reviews_register())
    rows = {row.title: row for row in review_rows(reviews, today)}
    assert len(rows) == len(reviews)
    for review in reviews:
        row = rows[review.title]
        assert row.url == review.get_absolute_url()
        assert row.review_type == review.get_review_type_display()
        assert row.status == review.get_status_display()
        assert row.committee == review.commissioning_committee.name
        assert row.is_response_overdue == review.is_response_overdue(today)
        assert row.recommendation_count == review.recommendations.count()
    merton = rows["Shared and outsourced services in Merton"]
    assert merton.response_deadline == "13 January 2017"  # received 14 November 2016


@pytest.mark.parametrize(
    ("number", "pages", "expected"),
    [
        (1, 40, [1, 2, 3, None, 40]),
        (4, 40, [1, 2, 3, 4, 5, 6, None, 40]),
        (20, 40, [1, None, 18, 19, 20, 21, 22, None, 40]),
        (40, 40, [1, None, 38, 39, 40]),
        (2, 3, [1, 2, 3]),
    ],
)
def test_page_links_show_first_last_and_two_either_side(number, pages, expected):
    page = Paginator(range(pages * 10), 10).page(number)
    links = page_links(page)
    assert [link.number for link in links] == expected
    assert [link for link in links if link.current] == [PageLink(number, current=True)]


def test_select_options_labels_are_the_records_own_names(demo):
    Officer(name="Nobody Titled", job_title="").save()
    filterset = RecommendationFilterSet(
        QueryDict(""), queryset=Recommendation.objects.for_register()
    )
    filterset.read_choices_once()
    for name in ("review", "committee", "responsible_body", "lead_officer", "owner"):
        field = filterset.form.fields[name]
        assert field.queryset.model in CHOICE_LABELS
        expected = [(obj.pk, str(obj)) for obj in field.queryset]
        assert field.choices[1:] == expected, name
    assert "Nobody Titled" in dict(filterset.form.fields["owner"].choices).values()
    assert Review.objects.count() == len(filterset.form.fields["review"].choices) - 1


def test_register_rows_escape_what_they_print_and_mark_what_is_overdue(
    client, councillor_user, demo, officer_user
):
    merton = Review.objects.get(title="Shared and outsourced services in Merton")
    merton.title = 'Fees & "charges" <review>'
    with acting_as(officer_user):
        merton.save()
    client.force_login(councillor_user)
    escaped = "Fees &amp; &quot;charges&quot; &lt;review&gt;"
    html = client.get(f"/recommendations/?review={merton.pk}&overdue=true").content.decode()
    rows = html[html.index('<tbody class="govuk-table__body">') : html.index("</tbody>")]
    r1 = Recommendation.objects.get(reference="2016/17 R1")
    assert (
        f'<a class="govuk-link govuk-body-s" href="{merton.get_absolute_url()}">{escaped}</a>'
        in rows
    )
    assert f"; lead officer {r1.lead_officer.name}</span>" in rows
    assert rows.count("<tr ") == rows.count("Action overdue") == 4
    assert "<review>" not in html
    html = client.get("/reviews/").content.decode()
    rows = html[html.index('<tbody class="govuk-table__body">') : html.index("</tbody>")]
    assert f'<a class="govuk-link" href="{merton.get_absolute_url()}">{escaped}</a>' in rows
    assert rows.count("<tr ") == Review.objects.count()
    overdue = [r for r in Review.objects.all() if r.is_response_overdue()]
    assert overdue  # Harrow's extended deadline, September 2021, passed with no response
    assert rows.count(">Overdue</strong>") == len(overdue)
