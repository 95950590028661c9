"""Committee documents a clerk would sign off (issue 13, points 3 to 5), read back from the PDF:
readable type, rows that break with "(continued)", the status key on the front page, dates on
one line, lists as lists, a short running header absent from the cover; the columns councils
print, chosen on the export page; and front matter the officer can correct."""

import datetime
import io
import itertools
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from recommendations.documents import content as document_content
from recommendations.documents.content import VARIOUS, build_content
from recommendations.documents.key import prepare
from recommendations.documents.spec import DocumentSpec, select_recommendations
from recommendations.documents.table import (
    COLUMNS,
    DEFAULT_COLUMNS,
    LINES_PER_PAGE,
    estimated_lines,
    printed_columns,
)
from recommendations.documents.text import NBSP, keep_dates, paragraphs
from recommendations.models import Recommendation, StatusKeyEntry
from recommendations.services.key import status_key_entry_save
from recommendations.services.records import update_post
from reviews.models import Meeting, Review
from scrutiny.audit import acting_as
from scrutiny.formats import british_date

from .test_documents import (  # documents_settings: each test's own cache and VAR_DIR
    _struct_tags,
    documents_settings,  # noqa: F401
    merton_2016,
    pdf_of,
    plan_url,
    squash,
    texts,
)

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
ALL_COLUMNS = ",".join(c.key for c in COLUMNS)


def merton_plan(client, query: str = "") -> bytes:
    return pdf_of(client, plan_url(merton_2016(), "as_at=2017-07-06&appendix=Appendix+1" + query))


def runs(page) -> list[tuple[float, float, str]]:
    """Each run of text on ``page``: its size in points, its baseline's height on the page
    (points from the bottom) and its text."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = abs(tm[0] * cm[0]) or 1
            found.append((size * scale, cm[5] + cm[3] * tm[5], text))

    page.extract_text(visitor_text=visit)
    return found


def export_page(client, review: Review) -> str:
    return client.get(reverse("documents_review_export", args=[review.pk])).content.decode()


def export(client, review: Review, data: dict):
    """Post the export page's form ("Download PDF")."""
    return client.post(reverse("documents_review_export_download", args=[review.pk]), data)


def box(html: str, field_id: str) -> str:
    """The ``<input>`` with ``field_id``."""
    return re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html).group(0)


def plan_content(review: Review, **options) -> dict:
    spec = DocumentSpec(kind="action_plan", review_id=review.pk, **options)
    return build_content(spec, select_recommendations(spec))


# --- readable and economical (point 3) ------------------------------------------------------


def test_table_text_is_at_least_10_points(client, demo, councillor_user):
    client.force_login(councillor_user)
    reader = PdfReader(io.BytesIO(merton_plan(client)))
    for number, page in enumerate(reader.pages[1:], start=2):
        height = float(page.mediabox.height)
        # The body of the page: between the running header and the footer (20 and 17 mm).
        body = [r for r in runs(page) if 17 * 2.835 < r[1] < height - 20 * 2.835]
        assert body, number
        small = [(round(size, 2), text) for size, _, text in body if size < 9.99]
        assert not small, (number, small[:5])


def test_a_row_that_breaks_says_continued_on_the_next_page(client, demo, councillor_user):
    """Recommendation 1 of the Merton plan (its update alone is most of a landscape page at
    10 pt) starts on page 2 and runs on to page 3, which says so under its running header."""
    client.force_login(councillor_user)
    review = merton_2016()
    blocks = plan_content(review, as_at=datetime.date(2017, 7, 6))["blocks"]
    assert blocks[0].long and blocks[0].lines > LINES_PER_PAGE // 3
    pages = texts(merton_plan(client))
    flat = [squash(page) for page in pages]
    start = next(n for n, page in enumerate(flat) if "Recommendation1(2016/17R1)" in page)
    tail = squash("promoted through the TOM refresh.")
    end = next(n for n, page in enumerate(flat) if tail in page)
    assert end == start + 1, (start, end)
    assert "Recommendation 1 (continued)" in " ".join(pages[end].split())
    assert "(continued)" not in pages[start]
    # Every label names a recommendation that began on an earlier page.
    for n, page in enumerate(pages):
        for label in re.findall(r"Recommendation\s(\d+)\s\(continued\)", page):
            began = [m for m, p in enumerate(flat) if f"Recommendation{label}(2016/17" in p]
            assert began and began[0] < n, (n, label)


def test_a_page_that_begins_with_a_new_recommendation_says_no_continued(
    client, demo, councillor_user
):
    """A long update makes its block break; the block after it begins where the long one
    ends, and a page that begins with a new recommendation has no "(continued)"."""
    client.force_login(councillor_user)
    rec = Recommendation.objects.get(reference="2016/17 R3")
    with acting_as(councillor_user):
        update_post(
            recommendation=rec,
            action=rec.actions.get(),
            text=" ".join(f"w{i:04d}" for i in range(1500)),
            date=datetime.date(2017, 7, 6),
            user=councillor_user,
        )
    pages = texts(pdf_of(client, plan_url(rec.review)))
    holding = [n for n, page in enumerate(pages) if re.search(r"w\d{4}", page)]
    assert len(holding) >= 2
    for n in holding[1:]:
        assert "Recommendation 3 (continued)" in " ".join(pages[n].split()), n
    for n, page in enumerate(pages[1:], start=1):
        body = " ".join(page.split())
        header_end = body.find("Status") + len("Status")
        begins_with_new = re.match(r"\s*Recommendation \d+ \(2016/17", body[header_end:])
        if begins_with_new and n not in holding[1:]:
            assert "(continued)" not in body, n


def test_the_status_key_is_on_the_front_page_never_alone_on_the_last(client, demo, councillor_user):
    client.force_login(councillor_user)
    for url in (
        plan_url(merton_2016(), "as_at=2017-07-06"),
        reverse("documents_meeting_tracker", args=[Meeting.objects.get(date="2017-07-06").pk]),
        reverse("documents_tracker"),
    ):
        pages = [" ".join(page.split()) for page in texts(pdf_of(client, url))]
        assert "SUMMARY OF PROGRESS AND STATUS KEY" in pages[0], url
        for entry in StatusKeyEntry.objects.all():
            assert entry.meaning in pages[0], (url, entry.code)
        assert all("STATUS KEY" not in page for page in pages[1:]), url
        # The last page holds the table (its header row and a recommendation's text).
        assert "Executive response" in pages[-1] and "Recommendation" in pages[-1], url


def test_dates_do_not_break_across_lines(client, demo, councillor_user):
    client.force_login(councillor_user)
    for page in texts(merton_plan(client)):
        lines = [line.strip() for line in page.split("\n")]
        for line, following in itertools.pairwise(lines):
            # A day and month at the end of a line, or a month whose year went to the next.
            assert not re.search(rf"\b\d{{1,2}}\s(?:{MONTHS})$", line), line
            assert not (re.search(rf"\b(?:{MONTHS})$", line) and re.match(r"\d{4}\b", following))
    assert keep_dates("on 6 July 2017 and in June 2017") == (
        f"on 6{NBSP}July{NBSP}2017 and in June{NBSP}2017"
    )
    assert keep_dates("the 2 reviews, May be") == "the 2 reviews, May be"


def test_the_executive_response_column_breaks_no_word(client, demo, councillor_user):
    """The response column is wide enough for "14 November 2016" and the decisions' words,
    and words in it are never broken (the text comes back whole, line by line)."""
    client.force_login(councillor_user)
    pages = texts(merton_plan(client))
    lines = [line.strip() for page in pages[1:] for line in page.split("\n")]
    assert any(re.search(r"14\s+November\s+2016", line) for line in lines)
    for word in ("Accepted", "Cabinet,", "November"):
        broken = [
            line for line in lines if line.endswith(word[: len(word) // 2]) and word not in line
        ]
        assert not broken, (word, broken[:3])
    response = next(c for c in printed_columns(DEFAULT_COLUMNS) if c.key == "response")
    assert response.chars_per_line >= len("14 November 2016")


def test_lists_in_typed_text_are_printed_as_lists(client, demo, councillor_user):
    html = paragraphs("Next steps:\n• draft the toolkit\n• consult CMT\n\n1. first\n2) second")
    assert html == (
        "<p>Next steps:</p><ul><li>draft the toolkit</li><li>consult CMT</li></ul>"
        "<ol><li>first</li><li>second</li></ol>"
    )
    assert paragraphs("a - b\n-not a bullet") == "<p>a - b<br>-not a bullet</p>"
    client.force_login(councillor_user)
    rec = Recommendation.objects.get(reference="2016/17 R3")
    with acting_as(councillor_user):
        update_post(
            recommendation=rec,
            action=rec.actions.get(),
            text="Progress:\n- toolkit drafted\n- CMT consulted\n1. sign-off in September",
            date=datetime.date(2017, 7, 6),
            user=councillor_user,
        )
    pdf = pdf_of(client, plan_url(rec.review))
    reader = PdfReader(io.BytesIO(pdf))
    tags: set = set()
    _struct_tags(reader.trailer["/Root"]["/StructTreeRoot"], tags)
    assert "/L" in tags and "/LI" in tags, tags
    whole = " ".join(" ".join(texts(pdf)).split())
    assert "toolkit drafted" in whole and "- toolkit drafted" not in whole
    assert "sign-off in September" in whole


def test_the_running_header_is_short_and_not_on_the_cover(client, demo, councillor_user):
    client.force_login(councillor_user)
    reader = PdfReader(io.BytesIO(merton_plan(client)))
    running = "Appendix 1: Shared and outsourced services in Merton"
    cover = " ".join(reader.pages[0].extract_text().split())
    assert running not in cover and "Recommendation 1 (continued)" not in cover
    for number, page in enumerate(reader.pages[1:], start=2):
        height = float(page.mediabox.height)
        top = [r for r in runs(page) if r[1] > height - 20 * 2.835]
        header = [text for _, _, text in top if "Appendix" in text]
        assert header, number
        assert " ".join(" ".join(header).split()) == running, number
        # One line: the title's runs share a baseline.
        assert len({round(y) for _, y, text in top if text in header}) == 1, number
        assert "executive response and action plan" not in " ".join(header)
    title = plan_content(merton_2016(), appendix_label="Appendix 1")["running_title"]
    assert title == running
    long_title = plan_content(merton_2016(), appendix_label="A" * 40)["running_title"]
    assert len(long_title) <= document_content.RUNNING_TITLE_CHARS


def test_row_height_estimate_follows_the_type_and_the_columns():
    assert estimated_lines("", 30) == 0
    assert estimated_lines("x" * 30, 30) == 1
    assert estimated_lines("x" * 31, 30) == 2
    assert estimated_lines("one\n\ntwo", 30) == 3  # two lines and the space between them
    narrow = printed_columns(ALL_COLUMNS.split(","))
    wide = printed_columns(DEFAULT_COLUMNS)
    width = {c.key: c.chars_per_line for c in wide}
    assert all(c.chars_per_line <= width.get(c.key, 999) for c in narrow)
    assert sum(c.percent for c in narrow) == pytest.approx(100, abs=0.1)


# --- the columns councils print (point 4) ---------------------------------------------------


def test_the_default_columns_print_what_printed_before_with_the_owner_named_so(
    client, demo, councillor_user
):
    assert DEFAULT_COLUMNS == (
        "recommendation",
        "response",
        "action",
        "timeline",
        "owner",
        "update",
        "status",
    )
    client.force_login(councillor_user)
    page = " ".join(texts(merton_plan(client))[1].split())
    assert "Action owner" in page and "Lead officer" not in page
    assert "Sophie Ellis, Assistant Director of Business Improvement" in page


def test_each_chosen_column_prints_its_content(client, demo, councillor_user):
    client.force_login(councillor_user)
    review = merton_2016()
    rec = Recommendation.objects.get(reference="2016/17 R1")
    with acting_as(councillor_user):
        rec.service_area = "Corporate Services"
        rec.save(reason="Service area")
    pdf = pdf_of(client, plan_url(review, f"columns={ALL_COLUMNS}"))
    pages = [" ".join(page.split()) for page in texts(pdf)]
    header = pages[1]
    for column in COLUMNS:
        assert column.heading in header, column.key
    whole = squash(" ".join(pages[1:]))
    origin = f"{review.commissioning_committee.name}, {british_date(review.report_agreed_on)}"
    assert squash(origin) in whole
    assert squash("Corporate Services") in whole
    # The reference in a column of its own, not beside the number.
    assert squash("2016/17 R1") in whole
    assert squash("Recommendation 1 (2016/17 R1)") not in whole
    # The recommendation's lead officer and Cabinet Member, beside the action's owner.
    assert squash(f"{rec.lead_officer.name}, {rec.lead_officer.job_title}") in whole
    assert squash(f"Councillor {rec.lead_member.name}") in whole
    assert squash("Sophie Ellis") in whole
    # The executive's decision and its date.
    assert squash(f"Accepted {british_date(rec.response_date)}") in whole or (
        squash(f"Accepted{rec.response_meeting}") in whole
    )
    # Left out when not chosen.
    plain = squash(" ".join(texts(pdf_of(client, plan_url(review)))))
    assert squash("Corporate Services") not in plain
    assert "Servicearea" not in plain and "Executivemember" not in plain


def test_columns_as_plain_text_for_any_renderer(demo):
    """The column list is data another renderer (Word) iterates: each printed column's
    heading, width and plain text of a cell."""
    review = merton_2016()
    document = plan_content(
        review, as_at=datetime.date(2017, 7, 6), columns=tuple(ALL_COLUMNS.split(","))
    )
    columns = {c.key: c for c in document["columns"]}
    block = document["blocks"][0]
    row = block.first_row
    rec = Recommendation.objects.get(reference="2016/17 R1")
    cells = {
        key: column.text(block) if column.per_recommendation else column.text(block, row)
        for key, column in columns.items()
    }
    assert cells["reference"] == "2016/17 R1"
    assert cells["recommendation"].startswith("Recommendation 1 (2016/17 R1)\nThat the Corporate")
    assert cells["origin"] == keep_dates(
        f"{review.commissioning_committee.name}, {british_date(review.report_agreed_on)}"
    )
    assert cells["service_area"] == (rec.service_area or "Not recorded")
    assert cells["lead_officer"] == "Ged Curran, Chief Executive"
    assert cells["executive_member"].startswith("Councillor Allison")
    assert cells["decision"].startswith("Accepted\n")
    assert cells["response"].startswith("Accepted")
    assert cells["action"].startswith("As part of a planned review")
    assert cells["timeline"].startswith("Late 2017")
    assert cells["owner"] == "Sophie Ellis, Assistant Director of Business Improvement"
    assert cells["update"].startswith(f"6{NBSP}July{NBSP}2017, Ged Curran\nThe biennial")
    assert cells["status"] == "Acceptable progress"
    assert [c.heading for c in document["columns"]][-1] == "Status"


def test_status_words_and_the_reason_for_a_pause_come_from_the_key(
    client, demo, councillor_user, admin_user
):
    client.force_login(councillor_user)
    entry = StatusKeyEntry.objects.get(code="paused")
    entry.label = "On hold"
    status_key_entry_save(entry=entry, user=admin_user, reason="Our key says On hold")
    rec = Recommendation.objects.get(reference="2016/17 R5")
    with acting_as(councillor_user):
        update_post(
            recommendation=rec,
            action=rec.actions.get(),
            text="Paused until the budget is set.",
            reported_status="paused",
            status_reason="Waiting for the budget",
            date=datetime.date(2017, 7, 6),
            user=councillor_user,
        )
    pages = [" ".join(page.split()) for page in texts(pdf_of(client, plan_url(rec.review)))]
    whole = " ".join(pages)
    assert "On hold: Waiting for the budget" in whole
    assert "Paused: Waiting" not in whole
    assert "On hold (purple)" in pages[0]


def test_the_columns_are_part_of_the_spec_its_url_and_its_cache_key(demo):
    review = merton_2016()
    plain = DocumentSpec(kind="action_plan", review_id=review.pk)
    chosen = DocumentSpec(
        kind="action_plan", review_id=review.pk, columns=("origin", "recommendation")
    )
    assert chosen.columns == ("recommendation", "origin", "status")  # required, in order
    assert "columns=" not in plain.url()
    assert "columns=recommendation%2Corigin%2Cstatus" in chosen.url()
    assert DocumentSpec.from_json(chosen.to_json()) == chosen
    old_job = plain.to_json()
    del old_job["columns"]  # a job stored before the columns were chosen
    assert DocumentSpec.from_json(old_job) == plain
    selection = select_recommendations(plain)
    assert prepare(plain, selection).key != prepare(chosen, selection).key


@pytest.mark.parametrize("value", ["nonsense", "origin,<script>", "x" * 600])
def test_an_unknown_column_is_refused_with_a_message(client, demo, councillor_user, value):
    client.force_login(councillor_user)
    response = client.get(plan_url(merton_2016(), f"columns={value}"))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_the_export_page_offers_the_columns_and_sends_the_chosen_ones(
    client, demo, councillor_user
):
    client.force_login(councillor_user)
    review = merton_2016()
    html = export_page(client, review)
    for column in COLUMNS:
        if column.required:
            assert f'value="{column.key}"' not in html
        else:
            checked = "checked" in box(html, f"columns-{column.key}")
            assert checked == (column.key in DEFAULT_COLUMNS), column.key
    assert 'name="columns_shown"' in html
    data = {
        "appendix": "Appendix 1",
        "wards": "All",
        "columns_shown": "1",
        "columns": ["origin", "response", "update"],
    }
    response = export(client, review, data)
    assert response.status_code == 303
    assert "columns=recommendation%2Corigin%2Cresponse%2Cupdate%2Cstatus" in response["Location"]
    page = " ".join(texts(pdf_of(client, response["Location"]))[1].split())
    assert "Origin" in page and "Action agreed" not in page
    # A form posted without the boxes (an older page) prints the default columns.
    del data["columns_shown"], data["columns"]
    response = export(client, review, data)
    assert "columns=" not in response["Location"]
    bad = {**data, "columns_shown": "1", "columns": ["nonsense"]}
    response = export(client, review, bad)
    assert response.status_code == 400
    assert "Choose columns from the list." in response.content.decode()


# --- front matter the officer can correct (point 5) -----------------------------------------


def test_the_export_page_prefills_the_people_and_the_officer_corrects_them(
    client, demo, officer_user
):
    client.force_login(officer_user)
    review = merton_2016()
    html = export_page(client, review)
    assert 'value="Ged Curran, Chief Executive"' in box(html, "lead_officer")
    assert 'value="Sophie Ellis, Assistant Director of Business Improvement"' in html
    assert 'name="lead_member"' in html and "Councillor Allison" in html
    data = {
        "appendix": "Appendix 1",
        "wards": "All",
        "as_at_day": "6",
        "as_at_month": "7",
        "as_at_year": "2017",
        "lead_officer": "Ged Curran, Chief Executive",  # as prefilled: follows the register
        "lead_member": "Councillor Mark Allison, Deputy Leader",
        "contact_officer": "  Sophie Ellis,   Assistant Director  ",
    }
    url = export(client, review, data)["Location"]
    assert "lead_officer" not in url
    assert "lead_member=Councillor+Mark+Allison" in url
    assert "contact_officer=Sophie+Ellis%2C+Assistant+Director" in url
    text = " ".join(texts(pdf_of(client, url))[0].split())
    assert "Lead officer: Ged Curran, Chief Executive" in text
    assert "Lead member: Councillor Mark Allison, Deputy Leader" in text
    assert "Contact officer: Sophie Ellis, Assistant Director" in text
    assert "Assistant Director of Business Improvement" not in text
    too_long = {**data, "contact_officer": "x" * 301}
    response = export(client, review, too_long)
    assert response.status_code == 400
    assert "The contact officer must be 300 characters or fewer." in response.content.decode()


def test_a_tracker_across_reviews_names_various_people(client, demo, councillor_user):
    client.force_login(councillor_user)
    meeting = Meeting.objects.get(date="2017-07-06")
    html = client.get(reverse("documents_meeting_export", args=[meeting.pk])).content.decode()
    assert html.count(f'value="{VARIOUS}"') == 3
    text = " ".join(
        texts(pdf_of(client, reverse("documents_meeting_tracker", args=[meeting.pk])))[0].split()
    )
    for label in ("Lead officer", "Lead member", "Contact officer"):
        assert f"{label}: {VARIOUS}" in text
    # A tracker of one review's recommendations names that review's people.
    review = merton_2016()
    one = " ".join(
        texts(pdf_of(client, reverse("documents_tracker") + f"?review={review.pk}"))[0].split()
    )
    assert "Contact officer: Sophie Ellis" in one


def test_recommendations_awaiting_a_response_are_not_not_started(client, demo, councillor_user):
    client.force_login(councillor_user)
    harrow = Review.objects.get(title="Shared services scrutiny review (Harrow)")
    assert not harrow.recommendations.exclude(decision="").exists()
    document = plan_content(harrow)
    assert {block.status["label"] for block in document["blocks"]} == {"Awaiting response"}
    assert document["summary"][0]["label"] == "Awaiting response"
    pages = [" ".join(page.split()) for page in texts(pdf_of(client, plan_url(harrow)))]
    assert "Awaiting response (grey) Awaiting the executive response" in pages[0]
    assert all("Not started" not in page for page in pages[1:])
    # The Merton plan, all responded to, prints no such status.
    merton = plan_content(merton_2016(), as_at=datetime.date(2017, 7, 6))
    assert "Awaiting response" not in {s["label"] for s in merton["summary"]}
