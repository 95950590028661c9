"""Statuses are words with colour, never colour alone (issue 3, point 9); and each status's
colour is written once, in ``STATUS_COLOURS`` (issue "A house to build on", point 3), from
which the tags, the status key, the dashboard's chart and the PDFs all take it."""

import html
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

from recommendations.documents.content import build_content
from recommendations.documents.render import document_html
from recommendations.documents.spec import DocumentSpec, select_recommendations
from recommendations.models import status_key
from recommendations.statuses import (
    MARK_COLOURS,
    STATUS_COLOURS,
    STATUS_MEANINGS,
    TAG_PRINT_COLOURS,
    ProgressStatus,
    RecommendationStatus,
    TagColour,
    status_colour,
)

ROOT = Path(__file__).resolve().parent.parent
TAG = Template("{% load statuses %}{% status_tag status label %}")
MARK = Template("{% load statuses %}{% mark_tag mark label %}")
LABELS = dict(RecommendationStatus.choices)


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
@pytest.mark.django_db  # the words and colours are the council's key's
def test_every_status_is_a_tag_with_its_words_and_colour(status, colour):
    label = RecommendationStatus(status).label
    html = TAG.render(Context({"status": status, "label": label}))
    assert html == (
        f'<strong class="govuk-tag app-status-tag govuk-tag--{colour}" '
        f'data-status="{status}">{label}</strong>'
    )


def test_every_status_has_one_colour_from_the_gov_uk_palette():
    assert set(STATUS_COLOURS) == set(RecommendationStatus.values)
    assert set(ProgressStatus.values) <= set(STATUS_COLOURS)
    assert set(STATUS_COLOURS.values()) <= set(TagColour)
    assert set(MARK_COLOURS.values()) <= set(TagColour)


def test_every_status_in_the_key_has_a_meaning():
    assert set(STATUS_MEANINGS) == set(RecommendationStatus.values)


@pytest.mark.django_db
def test_the_tag_escapes_and_falls_back_to_the_value():
    html = TAG.render(Context({"status": '<b>"x"</b>', "label": ""}))
    assert "<b>" not in html
    assert "govuk-tag--grey" in html
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt;</strong>" in html


@pytest.mark.parametrize(("mark", "colour"), [("overdue", "red"), ("archived", "grey")])
def test_a_mark_is_a_tag_with_its_words_and_colour(mark, colour):
    html = MARK.render(Context({"mark": mark, "label": "Action <overdue>"}))
    assert html == (
        f'<strong class="govuk-tag app-status-tag govuk-tag--{colour}">'
        "Action &lt;overdue&gt;</strong>"
    )


def test_an_unknown_mark_is_a_mistake_not_a_grey_tag():
    with pytest.raises(KeyError):
        MARK.render(Context({"mark": "overdu", "label": "Overdue"}))


# --- every place that colours a status takes the colour from STATUS_COLOURS ----------------


def expected_colours() -> dict[str, str]:
    """Each status's label and the class suffix it must have everywhere."""
    return {str(label): str(status_colour(value)) for value, label in LABELS.items()}


@pytest.mark.django_db
def test_the_status_key_colours_each_status_as_its_tag():
    html = render_to_string("includes/status_key.html", {"status_key": status_key()})
    tags = re.findall(r'govuk-tag--([a-z-]+)" data-status="([a-z_]+)"', html)
    found = {status: colour for colour, status in tags}
    assert found == {value: str(colour) for value, colour in STATUS_COLOURS.items()}
    for meaning in STATUS_MEANINGS.values():  # words beside the colour
        assert f">{meaning}</strong>" in html


def test_the_dashboard_chart_colours_each_bar_as_its_status_tag(client, councillor_user):
    client.force_login(councillor_user)
    page = client.get(reverse("dashboard")).content.decode()
    bars = re.findall(
        r'class="app-chart__label">([^<]+)</text>\s*<rect [^>]*class="app-chart__bar '
        r'app-chart__bar--([a-z-]+)"',
        page,
    )
    assert {html.unescape(label): colour for label, colour in bars} == expected_colours()


def test_the_pdf_colours_each_status_as_its_tag(demo):
    """The summary, the table and the key of a document: every status printed has the class
    of its tag colour, with its words."""
    spec = DocumentSpec(kind="tracker", include_closed=True)
    document = document_html(build_content(spec, select_recommendations(spec)))
    printed = re.findall(r'class="status status--([a-z-]+)">([^<]+)<', document)
    # The key's statuses, and the documents' own mark for a recommendation the executive has
    # not yet responded to (grey, as "Not started").
    expected = {**expected_colours(), "Awaiting response": str(MARK_COLOURS["awaiting_response"])}
    assert {html.unescape(label) for _, label in printed} == set(expected)  # the key has all
    for colour, label in printed:
        assert colour == expected[html.unescape(label)], label
    for value, colour in STATUS_COLOURS.items():  # the key names the colour in words too
        assert f">{LABELS[value]}</span> ({colour.label})<" in document


# --- the stylesheets define a class for every colour the mapping can give -------------------


def test_the_pdf_stylesheet_has_a_class_for_every_tag_colour():
    css = (ROOT / "recommendations/documents/templates/documents/pdf.css").read_text()
    defined = set(re.findall(r"^\.status--([a-z-]+)\s*\{", css, re.MULTILINE))
    assert defined == set(TagColour.values)


def test_word_and_excel_print_each_tag_colour_as_the_pdf_stylesheet_does():
    """TAG_PRINT_COLOURS (the Word documents' and Excel exports' colours) is pdf.css's."""
    css = (ROOT / "recommendations/documents/templates/documents/pdf.css").read_text()
    printed = {
        colour: (fill.upper(), ink.upper())
        for colour, fill, ink in re.findall(
            r"^\.status--([a-z-]+) \{ background: #([0-9a-f]{6}); color: #([0-9a-f]{6});",
            css,
            re.MULTILINE,
        )
    }
    assert printed == TAG_PRINT_COLOURS
    assert set(TAG_PRINT_COLOURS) == set(TagColour.values)


def test_the_chart_stylesheet_has_a_fill_for_every_tag_colour():
    scss = (ROOT / "static/scss/_chart.scss").read_text()
    colours = re.search(r"\$app-chart-colours:\s*\((.*?)\);", scss, re.DOTALL).group(1)
    defined = set(re.findall(r'^\s*"([a-z-]+)":', colours, re.MULTILINE))
    assert set(TagColour.values) <= defined
    assert re.search(r"@each \$[a-z-]+, \$[a-z-]+ in \$app-chart-colours", scss)


def test_gov_uk_frontend_has_a_tag_for_every_tag_colour():
    tag = ROOT / "node_modules/govuk-frontend/dist/govuk/components/tag/_index.scss"
    assert tag.exists(), f"{tag} is missing: make test installs GOV.UK Frontend (npm ci)"
    defined = set(re.findall(r"\.govuk-tag--([a-z-]+)\s*\{", tag.read_text()))
    assert set(TagColour.values) <= defined


def test_the_register_pages_colour_tags_only_through_the_tag_templatetags():
    """No page of the register writes a GOV.UK tag colour itself: a status's colour comes
    from STATUS_COLOURS and a mark's from MARK_COLOURS. (The forms' "changed by someone
    else" mark on responses.html is not yet one of them.)"""
    found = []
    for path in sorted((ROOT / "templates" / "recommendations").glob("*.html")):
        if path.name == "responses.html":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "govuk-tag--" in line:
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert not found, found
