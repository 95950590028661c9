"""The committee documents as Word documents, read back with python-docx: the Merton 2016 plan
(seed 002) in order, the columns, the header row repeated on each page, rows kept whole, the
built-in heading styles, Word lists, the landscape section, Arial, the document properties,
the status words of the council's key with the reason for a pause; the tracker of a meeting;
and the views: the export page's button, the content type and file name, a cache that never
gives one format for the other, the background task, permissions and query counts."""

import datetime
import io
import re
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from recommendations.documents import pdfs, service, word
from recommendations.documents.key import prepare
from recommendations.documents.models import PublishedDocument
from recommendations.documents.spec import DocumentSpec, select_recommendations
from recommendations.documents.word import text_pieces
from recommendations.models import ActionPlanItem, Recommendation, StatusKeyEntry, Update
from recommendations.services.key import status_key_entry_save
from scrutiny.audit import acting_as
from tests.test_documents import seed_002_recommendations
from tests.test_documents_views import (  # the documents' own cache for each test, and data
    DATABASE_TASKS,
    documents_settings,  # noqa: F401 (an autouse fixture)
    grow_merton,
    merton_2016,
    osc_july_2017,
    run_worker,
    squash,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADINGS = [
    "Recommendation",
    "Executive response",
    "Action agreed",
    "Timeline",
    "Action owner",
    "Update",
    "Status",
]


def plan_url(query: str = "") -> str:
    url = reverse("documents_review_plan_docx", args=[merton_2016().pk])
    return f"{url}?{query}" if query else url


def get_docx(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == DOCX
    return response, Document(io.BytesIO(response.content))


def plan_table(document):
    """The document's table of recommendations: the one headed by the PDF's columns."""
    for table in document.tables:
        if table.rows and "Recommendation" in [c.text for c in table.rows[0].cells]:
            return table
    raise AssertionError("no plan table")


def unique_cells(row) -> list:
    """The row's cells, each once (a cell spanning columns is one cell)."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def row_flags(row) -> set[str]:
    tr_pr = row._tr.trPr
    if tr_pr is None:
        return set()
    return {child.tag.split("}")[1] for child in tr_pr}


# --- the Merton plan, read back -------------------------------------------------------------


def test_merton_plan_as_a_word_document_holds_seed_002_in_order(client, demo, councillor_user):
    client.force_login(councillor_user)
    response, document = get_docx(client, plan_url("as_at=2017-07-06&appendix=Appendix+1"))
    assert response["Content-Disposition"] == (
        'attachment; filename="appendix-1-shared-and-outsourced-services-in-merton-as-at-'
        '2017-07-06.docx"'
    )

    # The cover: the front matter as in the PDF, in the built-in styles.
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    subject = "Shared and outsourced services in Merton: executive response and action plan"
    assert paragraphs[:4] == [
        ("Normal", "Appendix 1"),
        ("Normal", django_settings.COUNCIL_NAME),
        ("Title", subject),
        ("Normal", "Position as at 6 July 2017"),
    ]
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", "1\tPurpose"),
        ("Heading 1", "2\tSummary of progress and status key"),
        ("Heading 1", "3\tBackground"),
        ("Heading 1", "Executive response and action plan: position as at 6 July 2017"),
    ]
    front = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert front["Subject:"] == subject
    assert front["Wards:"] == "All"
    assert "Ged Curran" in front["Lead officer:"]

    # The table: its headings, a header row repeated on each page, rows kept whole, and the
    # recommendations in order with the council's words.
    table = plan_table(document)
    header = table.rows[0]
    assert [c.text for c in header.cells] == HEADINGS
    assert row_flags(header) == {"cantSplit", "tblHeader"}
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    assert look.get(qn("w:firstRow")) == "1"
    assert table._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) == (
        "Executive response and action plan: position as at 6 July 2017"
    )
    assert table.style.name == "Table Grid"
    body = table.rows[1:]
    # A row may break across pages only in a recommendation taller than a third of a page
    # (as in the PDF, which then says "(continued)").
    review = merton_2016()
    spec = DocumentSpec(kind="action_plan", review_id=review.pk, as_at=datetime.date(2017, 7, 6))
    long = {b.number: b.long for b in prepare(spec, select_recommendations(spec)).content["blocks"]}
    for row in body:
        number = int(row.cells[0].text.split("\n")[0].split()[1])
        assert ("cantSplit" in row_flags(row)) is not long[number], number
    assert not any("tblHeader" in row_flags(row) for row in body)
    firsts = [row.cells[0].text.split("\n")[0] for row in body]
    assert firsts == [f"Recommendation {n} (2016/17 R{n})" for n in range(1, 9)]
    for row, rec in zip(body, seed_002_recommendations(), strict=True):
        (action,) = rec["actions"]
        (update,) = action["updates"]
        cells = [squash(c.text) for c in row.cells]
        assert squash(rec["text"]) in cells[0], rec["number"]
        if action["action"]:
            assert squash(action["action"]) in cells[2], rec["number"]
        assert squash(action["timeline"]) in cells[3], rec["number"]
        assert squash(update["text"]) in cells[5], rec["number"]
    assert "Acceptable progress" in body[0].cells[6].text
    assert "Achieved" in "".join(row.cells[6].text for row in body)
    assert "TBC with Head of Democratic Services" in "".join(r.cells[3].text for r in body)

    # Two sections: the cover portrait A4, the table landscape A4; footers with the page.
    cover, plan = document.sections
    assert cover.orientation == WD_ORIENT.PORTRAIT and cover.page_width < cover.page_height
    assert plan.orientation == WD_ORIENT.LANDSCAPE and plan.page_width > plan.page_height
    assert round(plan.page_width.mm) == 297 and round(plan.page_height.mm) == 210
    for section in (cover, plan):  # "Page X of Y" at the right margin of each
        footer = section.footer.paragraphs[0]
        assert "Position as at 6 July 2017" in footer._p.xml
        assert 'w:instr=" PAGE "' in footer._p.xml and 'w:instr=" NUMPAGES "' in footer._p.xml
        (stop,) = footer.paragraph_format.tab_stops
        width = section.page_width - section.left_margin - section.right_margin
        assert abs(stop.position - width) < 1000
    assert not plan.header.is_linked_to_previous
    assert "Appendix 1: Shared and outsourced services in Merton" in plan.header.paragraphs[0].text
    assert not cover.header.paragraphs[0].text  # no running header on the cover

    # The document's properties, and Arial in British English.
    properties = document.core_properties
    assert properties.title == f"Appendix 1: {subject}. Position as at 6 July 2017"
    assert properties.author == django_settings.COUNCIL_NAME
    assert properties.language == "en-GB"
    assert "thumbnail" not in str(document.part.package.rels.xml)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f".//{qn('w:rFonts')}")
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Arial"
    assert fonts.get(qn("w:asciiTheme")) is None
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "en-GB"
    assert "en-US" not in document.settings.element.xml
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Text"):
        assert document.styles[name].font.name == "Arial", name
    assert {p.style.name for p in table.rows[1].cells[0].paragraphs} == {"Table Text"}


def test_status_words_come_from_the_councils_key_with_the_pause_reason(client, demo, officer_user):
    client.force_login(officer_user)
    ongoing = StatusKeyEntry.objects.get(code="on_track")
    ongoing.label, ongoing.meaning = "Ongoing", "Ongoing: in hand"
    status_key_entry_save(entry=ongoing, user=officer_user, reason="Our own words")
    rec = Recommendation.objects.get(reference="2016/17 R2")
    with acting_as(officer_user):
        rec.status_set_by_officer = "paused"
        rec.status_reason = "Waiting for the new contract"
        rec.full_clean()
        rec.save()

    _, document = get_docx(client, plan_url())
    body = plan_table(document).rows[1:]
    statuses = {row.cells[0].text.split("\n")[0]: row.cells[6].text for row in body}
    assert statuses["Recommendation 1 (2016/17 R1)"].startswith("Ongoing")
    assert statuses["Recommendation 2 (2016/17 R2)"].startswith(
        "Paused\nReason: Waiting for the new contract"
    )
    everything = "\n".join(cell.text for row in body for cell in row.cells)
    assert "Acceptable progress" not in everything
    summary = document.tables[1]
    assert [c.text for c in summary.rows[0].cells] == ["Status", "Meaning", "Recommendations"]
    assert "tblHeader" in row_flags(summary.rows[0])
    # The summary of progress is the status key too: words, colour and meaning.
    key_text = "\n".join(cell.text for row in summary.rows for cell in row.cells)
    assert re.search(r"^Ongoing \(\w+", key_text, re.MULTILINE)
    assert "Ongoing: in hand" in key_text and "Acceptable progress" not in key_text


def test_lists_typed_in_the_text_are_word_lists(client, demo, councillor_user):
    rec = Recommendation.objects.get(reference="2016/17 R3")
    with acting_as(councillor_user):
        rec.text = (
            "That the council:\n- publishes its register\n- reviews it each year\n\n"
            "and reports:\n1. to Cabinet\n2. to the Commission"
        )
        rec.save()
        action = rec.actions.first()
        action.action = "Two steps:\n1) draft the register\n2) consult on it"
        action.save()
    client.force_login(councillor_user)
    _, document = get_docx(client, plan_url())
    body = plan_table(document).rows[1:]
    cell = next(row.cells[0] for row in body if "2016/17 R3" in row.cells[0].text)
    shown = [(p.style.name, p.text) for p in cell.paragraphs]
    assert shown[1:8] == [
        ("Table Text", "That the council:"),
        ("List Bullet", "publishes its register"),
        ("List Bullet", "reviews it each year"),
        ("Table Text", "and reports:"),
        ("List Number", "to Cabinet"),
        ("List Number", "to the Commission"),
        shown[7],
    ]
    action_cell = next(row.cells[2] for row in body if "2016/17 R3" in row.cells[0].text)
    steps = [p for p in action_cell.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in steps] == ["draft the register", "consult on it"]
    # Each numbered list starts at 1: a numbering of its own, restarting.
    first = next(p for p in cell.paragraphs if p.style.name == "List Number")
    num_ids = {p._p.pPr.numPr.numId.val for p in (first, steps[0])}
    assert len(num_ids) == 2
    numbering = document.part.numbering_part.element
    for num_id in num_ids:
        num = numbering.xpath(f'w:num[@w:numId="{num_id}"]')[0]
        assert num.xpath("w:lvlOverride/w:startOverride/@w:val") == ["1"]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("", []),
        ("<p>One</p><p>Two<br>lines</p>", [([["One"]], ""), ([["Two", "lines"]], "")]),
        ("<p>A &amp; B &lt;tag&gt;</p>", [([["A & B <tag>"]], "")]),
        ("<p>- only one dash</p>", [([["- only one dash"]], "")]),
        ("<p>• a<br>• b</p>", [([["a"]], "bullet"), ([["b"]], "bullet")]),
        ("<ul><li>x</li><li>y</li></ul>", [([["x"]], "bullet"), ([["y"]], "bullet")]),
        ("<ol><li>first</li></ol><p>after</p>", [([["first"]], "number"), ([["after"]], "")]),
        ("<p>2017. A year<br>2018. Another</p>", [([["2017. A year", "2018. Another"]], "")]),
    ],
)
def test_text_pieces_read_paragraphs_breaks_and_lists(html, expected):
    assert [([p.lines], p.list_kind) for p in text_pieces(html)] == expected


def test_meeting_tracker_has_review_headings_and_updates(client, demo, councillor_user):
    client.force_login(councillor_user)
    url = reverse("documents_meeting_tracker_docx", args=[osc_july_2017().pk])
    response, document = get_docx(client, url)
    assert response["Content-Disposition"].endswith('.docx"')
    table = plan_table(document)
    assert [c.text for c in table.rows[0].cells][5] == "Updates"
    reviews = [
        unique_cells(row)[0] for row in table.rows[1:] if row.cells[0].text.startswith("Review: ")
    ]
    assert reviews, "a tracker names each review"
    for cell in reviews:
        assert cell._tc.grid_span == len(HEADINGS)
    assert document.core_properties.title.startswith("Scrutiny recommendations tracker")
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][-1].startswith(
        "Recommendations tracker: position as at"
    )


def test_a_recommendations_rows_are_kept_together_and_a_long_row_may_split(
    client, demo, councillor_user
):
    rec = Recommendation.objects.get(reference="2016/17 R4")
    with acting_as(councillor_user):
        ActionPlanItem.objects.create(
            recommendation=rec, number=2, action="A second.", timeline="2018", status="on_track"
        )
        long_action = rec.actions.order_by("pk").first()
        long_action.action = "\n\n".join(["A very long paragraph of the action."] * 80)
        long_action.save()
    client.force_login(councillor_user)
    _, document = get_docx(client, plan_url())
    rows = [r for r in plan_table(document).rows[1:] if "2016/17 R4" in r.cells[0].text]
    assert len(rows) == 2
    # The block, taller than a third of a page, may break across pages (its rows too), and is
    # not held together.
    assert "cantSplit" not in row_flags(rows[0])
    assert "cantSplit" not in row_flags(rows[1])
    # A short recommendation of two rows: its first row is kept with the next.
    rec5 = Recommendation.objects.get(reference="2016/17 R5")
    with acting_as(councillor_user):
        rec5.text = "A short recommendation."
        rec5.save()
        for update in Update.objects.filter(recommendation=rec5):
            update.text = "Done."
            update.save()
        first = rec5.actions.order_by("pk").first()
        first.action = "One."
        first.save()
        ActionPlanItem.objects.create(
            recommendation=rec5, number=2, action="Another.", timeline="2018", status="on_track"
        )
    _, document = get_docx(client, plan_url())
    rows = [r for r in plan_table(document).rows[1:] if "2016/17 R5" in r.cells[0].text]
    assert len(rows) == 2
    assert all(p.paragraph_format.keep_with_next for p in rows[0].cells[2].paragraphs)
    assert not any(p.paragraph_format.keep_with_next for p in rows[1].cells[2].paragraphs)
    # The recommendation's own cells span its two rows.
    assert rows[0].cells[0]._tc.vMerge == "restart" and rows[1].cells[0]._tc is (
        rows[0].cells[0]._tc
    )


def test_a_document_with_no_recommendations_says_so(client, demo, councillor_user):
    client.force_login(councillor_user)
    _, document = get_docx(client, reverse("documents_tracker_docx") + "?q=no-such-words")
    texts = [p.text for p in document.paragraphs]
    assert "There are no recommendations to report." in texts
    assert any(
        t.startswith("2.1\t") and t.endswith("There are no recommendations to report.")
        for t in texts
    )
    with pytest.raises(AssertionError):
        plan_table(document)


# --- the views ------------------------------------------------------------------------------


def test_the_export_page_offers_word_beside_the_pdf(client, demo, councillor_user):
    client.force_login(councillor_user)
    review = merton_2016()
    page = client.get(reverse("documents_review_export", args=[review.pk])).content.decode()
    assert 'name="format" value="docx">Download Word document</button>' in page
    assert 'name="format" value="pdf">Download PDF</button>' in page
    download = reverse("documents_review_export_download", args=[review.pk])
    data = {"appendix": "Appendix 2", "wards": "All", "as_at_day": "6", "as_at_month": "7"}
    data["as_at_year"] = "2017"
    response = client.post(download, {**data, "format": "docx"})
    assert response.status_code == 303
    assert response["Location"] == plan_url("as_at=2017-07-06&appendix=Appendix+2")
    pdf = client.post(download, data)
    assert pdf["Location"].startswith(reverse("documents_review_plan", args=[review.pk]))
    bad = client.post(download, {**data, "format": "odt"})
    assert bad.status_code == 400
    assert "Choose to download the PDF or the Word document." in bad.content.decode()


def test_publishing_is_the_pdf_whichever_button(client, demo, officer_user):
    client.force_login(officer_user)
    review = merton_2016()
    url = reverse("documents_review_export_publish", args=[review.pk])
    data = {"to_meeting": osc_july_2017().pk, "appendix": "Appendix 1", "wards": "All"}
    response = client.post(url, {**data, "format": "docx"})
    assert response.status_code == 302
    document = PublishedDocument.objects.get()
    assert document.filename.endswith(".pdf")
    assert bytes(document.file.content).startswith(b"%PDF")
    spec = DocumentSpec(
        kind="action_plan", review_id=review.pk, to_meeting_id=osc_july_2017().pk, format="docx"
    )
    with pytest.raises(service.InvalidDocument, match="The PDF is what is published"):
        service.publish(spec, user=officer_user)


def test_the_cache_never_gives_one_format_for_the_other(client, demo, councillor_user):
    client.force_login(councillor_user)
    review = merton_2016()
    pdf_url = reverse("documents_review_plan", args=[review.pk])
    with (
        mock.patch.object(word, "document_docx", wraps=word.document_docx) as words,
        mock.patch.object(pdfs, "html_to_pdf", wraps=pdfs.html_to_pdf) as pdf_renders,
    ):
        pdf = client.get(pdf_url)
        first = client.get(plan_url())
        second = client.get(plan_url())
        again = client.get(pdf_url)
    assert pdf["Content-Type"] == again["Content-Type"] == "application/pdf"
    assert first["Content-Type"] == second["Content-Type"] == DOCX
    assert first.content == second.content and first["ETag"] == second["ETag"] != pdf["ETag"]
    assert pdf.content == again.content
    assert words.call_count == 1 and pdf_renders.call_count == 1
    assert client.get(plan_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # The format is part of the document, so of its content key.
    specs = [DocumentSpec(kind="action_plan", review_id=review.pk, format=f) for f in ("pdf",)]
    specs.append(DocumentSpec(kind="action_plan", review_id=review.pk, format="docx"))
    keys = {prepare(s, select_recommendations(s)).key for s in specs}
    assert len(keys) == 2
    assert DocumentSpec.from_json(specs[1].to_json()) == specs[1]
    assert DocumentSpec.from_json({**specs[0].to_json(), "format": "docx"}).url() == plan_url()
    with pytest.raises(ValueError, match="Unknown document format"):
        DocumentSpec(kind="action_plan", review_id=review.pk, format="odt")


def test_a_change_to_the_plan_makes_a_new_word_document(client, demo, councillor_user):
    client.force_login(councillor_user)
    before = client.get(plan_url())
    action = ActionPlanItem.objects.get(recommendation__reference="2016/17 R3")
    with acting_as(councillor_user):
        action.timeline = "September 2017 (revised)"
        action.save()
    after = client.get(plan_url())
    assert after.content != before.content
    assert "September 2017 (revised)" in "".join(
        row.cells[3].text.replace("\xa0", " ")
        for row in plan_table(Document(io.BytesIO(after.content))).rows
    )


def test_word_documents_need_a_signed_in_user(client, demo):
    response = client.get(plan_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_bad_parameters_get_a_message_not_a_500(client, demo, councillor_user):
    client.force_login(councillor_user)
    response = client.get(plan_url("as_at=not-a-date"))
    assert response.status_code == 400
    response = client.get(reverse("documents_tracker_docx") + "?committee=nonsense")
    assert response.status_code == 400


def test_a_large_word_document_is_made_by_the_worker(
    transactional_db, client, demo, councillor_user, settings
):
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 5
    settings.TASKS = DATABASE_TASKS
    client.force_login(councillor_user)
    pdf_response = client.get(reverse("documents_review_plan", args=[merton_2016().pk]))
    response = client.get(plan_url())
    assert response.status_code == 302
    assert response["Location"] != pdf_response["Location"]  # a task of its own
    task = DBTaskResult.objects.get(args_kwargs__args__0__format="docx")
    pdf_task = DBTaskResult.objects.get(args_kwargs__args__0__format="pdf")
    # Its estimate is a Word document's, a fraction of the PDF's.
    estimate = task.args_kwargs["kwargs"]["estimated_seconds"]
    assert 0 < estimate < pdf_task.args_kwargs["kwargs"]["estimated_seconds"]
    job_url = reverse("documents_job_detail", args=[task.id])
    assert response["Location"] == job_url
    download_url = reverse("documents_job_download_docx", args=[task.id])
    assert client.get(download_url)["Location"] == job_url  # not ready yet

    run_worker()

    page = client.get(job_url).content.decode()
    assert "Your document is ready" in page
    assert f'href="{download_url}"' in page and "(Word document, " in page
    download = client.get(download_url)
    assert download.status_code == 200 and download["Content-Type"] == DOCX
    assert download["Content-Disposition"].endswith('.docx"')
    assert client.get(plan_url()).content == download.content  # made once, then cached
    # The PDF address of a Word document's task sends to the Word address.
    wrong = client.get(reverse("documents_job_download", args=[task.id]))
    assert wrong.status_code == 302 and wrong["Location"] == download_url
    client.logout()
    assert client.get(download_url)["Location"].startswith(reverse("login"))


# --- query counts at two data sizes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make_url", "expected"),
    [
        (lambda: plan_url(), 7),
        (lambda: reverse("documents_meeting_tracker_docx", args=[osc_july_2017().pk]), 10),
    ],
    ids=["plan", "meeting tracker"],
)
def test_word_query_count_does_not_grow_with_the_data(
    client, demo, officer_user, django_assert_num_queries, settings, make_url, expected
):
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 1000
    client.force_login(officer_user)
    url = make_url()
    client.get(url)  # warm the per-process caches
    for size in ("demo", "larger"):
        pdfs.documents_cache().clear()  # so the document is made again, in the counted request
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200
        # Cached: the same queries, as the key is the digest of the content they read.
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200
        if size == "demo":
            grow_merton(12)


def test_the_word_document_prints_the_columns_chosen(demo, settings):
    """A column the officer adds on the export page (the service area, the executive's
    decision) is in the Word table too, in the PDF's order, with its text."""
    review = merton_2016()
    spec = DocumentSpec(
        kind="action_plan",
        review_id=review.pk,
        format="docx",
        columns=("reference", "decision", "service_area"),
    )
    prepared = prepare(spec, select_recommendations(spec))
    document = Document(io.BytesIO(word.make_docx(prepared).docx))
    table = plan_table(document)
    headings = [cell.text for cell in table.rows[0].cells]
    assert headings[:2] == ["Reference", "Recommendation"]
    assert "Executive decision" in headings and "Service area" in headings
    decision = headings.index("Executive decision")
    assert any("Accepted" in row.cells[decision].text for row in table.rows[1:])
