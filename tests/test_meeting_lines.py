"""A meeting page's update lines: link, reference, review, date and excerpt, all escaped."""

import datetime

from django.template.loader import render_to_string

from recommendations.querysets import UpdateLine

ROWS = [
    UpdateLine(
        pk=7,
        recommendation_id=3,
        reference="2016/17 R2",
        review_title="Shared & outsourced services",
        date=datetime.date(2017, 7, 6),
        excerpt="<script>alert(1)</script> done",
        reported_to_id=None,
    ),
    UpdateLine(
        pk=9,
        recommendation_id=4,
        reference="Recommendation 3",
        review_title="Air quality",
        date=datetime.date(2017, 6, 1),
        excerpt="Between meetings",
        reported_to_id=None,
    ),
]


def render(template: str, rows) -> str:
    with_date = "with_date" in template
    return render_to_string(
        "recommendations/_update_lines.html", {"lines": rows, "with_date": with_date}
    ).strip()


def test_each_update_is_a_line_linking_to_it_on_its_recommendation():
    html = render("{% update_lines rows %}", ROWS)
    assert html.startswith('<ul class="govuk-list govuk-list--spaced"><li>')
    assert html.count("<li>") == 2
    assert '<a class="govuk-link" href="/recommendations/3/#update-7">2016/17 R2</a>' in html
    assert ", Shared &amp; outsourced services: &lt;script&gt;alert(1)&lt;/script&gt; done" in html
    assert "<script>" not in html
    assert "6 July 2017" not in html  # no date unless asked


def test_with_date_adds_the_date_in_british_form():
    html = render("{% update_lines rows with_date=True %}", ROWS)
    assert ", Air quality (1 June 2017): Between meetings</li>" in html
    assert ", Shared &amp; outsourced services (6 July 2017): &lt;script&gt;" in html


def test_no_updates_is_an_empty_list():
    assert (
        render("{% update_lines rows %}", []) == '<ul class="govuk-list govuk-list--spaced"></ul>'
    )
