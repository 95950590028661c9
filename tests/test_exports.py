"""The registers exported to Excel and CSV (issue 14, point 2): read back with openpyxl and the
csv module, and matched against the register page for the same filters."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from recommendations.exports import (
    ACTION_COLUMNS,
    DATE_FORMAT,
    HEADINGS,
    RECOMMENDATION_COLUMNS,
    REVIEW_COLUMNS,
    UPDATE_COLUMNS,
)
from recommendations.models import ActionPlanItem, Recommendation, Update, status_key
from recommendations.services import update_withdraw
from recommendations.statuses import TAG_PRINT_COLOURS
from reviews.models import Committee
from scrutiny.formats import british_date

REGISTER_ROW = re.compile(
    r'<span class="app-stack-table__label">Reference</span>'
    r'<a class="govuk-link" href="/recommendations/(\d+)/">([^<]*)</a>'
)
REVIEW_ROW = re.compile(
    r'<span class="app-stack-table__label">Review</span>'
    r'<a class="govuk-link" href="/reviews/\d+/">([^<]*)</a>'
)

FILTERS = [
    "",
    "sort=-updated",
    "sort=review",
    "decision=accepted&q=council",
    "status=on_track",
    "year=2016/17&sort=-reference",
    "overdue=1",
]


@pytest.fixture
def reader(client, councillor_user, demo):
    client.force_login(councillor_user)
    return client


def unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", '"')


def page_references(client, query: str) -> list[str]:
    html = client.get(f"/recommendations/?{query}").content.decode()
    assert "page 2 of" not in html  # the demonstration data fits on one page
    return [unescape(ref) for _, ref in REGISTER_ROW.findall(html)]


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode()), "a byte order mark, so Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def sheet_rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if any(row)]


def label(row: dict) -> str:
    return row["Reference"] or f"Recommendation {row['Recommendation number']}"


@pytest.mark.parametrize("query", FILTERS)
def test_the_workbook_and_csv_hold_the_pages_recommendations_in_its_order(reader, query):
    shown = page_references(reader, query)
    book = workbook(reader.get(f"/recommendations/export.xlsx?{query}"))
    assert book.sheetnames == ["Recommendations", "Actions", "Updates"]
    assert [label(r) for r in sheet_rows(book["Recommendations"])] == shown
    listed = csv_rows(reader.get(f"/recommendations/export.csv?{query}"))
    assert [label(r) for r in listed] == shown
    if query == "":
        assert len(shown) == Recommendation.objects.filter(archived_at__isnull=True).count()


def test_an_excel_table_with_a_frozen_filterable_header_dates_and_status_words(reader):
    book = workbook(reader.get("/recommendations/export.xlsx"))
    key = status_key()
    for ws, columns in zip(
        book.worksheets, (RECOMMENDATION_COLUMNS, ACTION_COLUMNS, UPDATE_COLUMNS), strict=True
    ):
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == [c.heading for c in columns]
        (table,) = ws.tables.values()
        assert table.ref == f"A1:{ws.cell(1, len(columns)).column_letter}{ws.max_row}"
        assert table.tableStyleInfo.name and table.headerRowCount in (None, 1)
        assert ws.column_dimensions["A"].width > 5
    recs = book["Recommendations"]
    headings = [c.value for c in recs[1]]
    r2 = Recommendation.objects.get(reference="2016/17 R2")
    row = next(r for r in recs.iter_rows(min_row=2) if r[0].value == "2016/17 R2")
    cells = dict(zip(headings, row, strict=True))
    assert cells["Executive date"].value == datetime.datetime.combine(
        r2.response_date, datetime.time()
    )
    assert cells["Executive date"].number_format == DATE_FORMAT
    assert cells["Status"].value == key.label(r2.status)
    fill = TAG_PRINT_COLOURS[key.colour(r2.status)][0]
    assert cells["Status"].fill.fgColor.rgb.endswith(fill)
    assert cells["Recommendation"].alignment.wrap_text
    assert cells["Recommendation"].value == r2.text


def test_actions_and_updates_join_their_recommendation_and_leave_withdrawn_updates_out(
    reader, officer_user
):
    update = Update.objects.filter(recommendation__reference="2016/17 R1").first()
    update_withdraw(update=update, reason="Posted in error.", user=officer_user)
    book = workbook(reader.get("/recommendations/export.xlsx?sort=-reference"))
    order = [r["Reference"] for r in sheet_rows(book["Recommendations"])]
    actions = sheet_rows(book["Actions"])
    updates = sheet_rows(book["Updates"])
    assert len(actions) == ActionPlanItem.objects.count()
    assert len(updates) == Update.objects.current().count() == Update.objects.count() - 1
    assert update.text not in {u["Update"] for u in updates}
    # each list follows the recommendations' order
    for rows in (actions, updates):
        places = [order.index(r["Reference"]) for r in rows]
        assert places == sorted(places)
    r1_action = ActionPlanItem.objects.get(recommendation__reference="2016/17 R1", number=1)
    row = next(a for a in actions if a["Reference"] == "2016/17 R1" and a["Action number"] == 1)
    assert row["Action"] == r1_action.action
    assert row["Owner"] == r1_action.owner.name
    assert row["Status"] == status_key().label(r1_action.status)
    # the CSV of each list holds the same rows
    for name, rows in (("actions", actions), ("updates", updates)):
        listed = csv_rows(reader.get(f"/recommendations/export.csv?sort=-reference&list={name}"))
        assert [r["Reference"] for r in listed] == [r["Reference"] for r in rows]


def test_the_csv_writes_dates_as_iso_and_statuses_in_words(reader):
    listed = csv_rows(reader.get("/recommendations/export.csv?list=updates"))
    first = Update.objects.current().get(
        recommendation__reference=listed[0]["Reference"], text=listed[0]["Update"]
    )
    assert listed[0]["Date"] == first.date.isoformat()
    labels = {label for _, label in status_key().all_choices()}
    assert {r["Status"] for r in listed} <= labels | {""}


def test_the_headings_are_the_ones_the_import_recognises():
    exported = {c.heading for c in (*RECOMMENDATION_COLUMNS, *ACTION_COLUMNS, *UPDATE_COLUMNS)}
    assert set(HEADINGS) <= exported


def test_a_filter_the_page_refuses_gives_the_page_with_its_message_and_no_file(reader):
    for url in (
        "/recommendations/export.xlsx?status=nonsense",
        "/recommendations/export.csv?review=999999",
        "/reviews/export.csv?status=nonsense",
    ):
        response = reader.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html")
        assert "There is a problem" in response.content.decode()
    response = reader.get("/recommendations/export.csv?list=minutes")
    assert response.status_code == 400
    assert "Choose which list to download" in response.content.decode()


def test_the_reviews_register_exports_its_rows_in_its_order(reader):
    for query in ("", "status=monitoring", "q=services"):
        html = reader.get(f"/reviews/?{query}").content.decode()
        shown = [unescape(t) for t in REVIEW_ROW.findall(html)]
        book = workbook(reader.get(f"/reviews/export.xlsx?{query}"))
        rows = sheet_rows(book["Reviews"])
        assert [r["Review"] for r in rows] == shown
        assert [c.heading for c in REVIEW_COLUMNS] == list(rows[0]) if rows else True
        listed = csv_rows(reader.get(f"/reviews/export.csv?{query}"))
        assert [r["Review"] for r in listed] == shown
    harrow = next(r for r in csv_rows(reader.get("/reviews/export.csv")) if "Harrow" in r["Review"])
    assert harrow["Response deadline"] == "2021-09-30"


REVIEW_CELL = re.compile(r'<span class="app-stack-table__label">([^<]+)</span>(.*?)</td>', re.S)


def review_page_rows(client, query: str) -> list[dict]:
    """Each row of the reviews register page as its cells' text, by their labels."""
    html = client.get(f"/reviews/?{query}").content.decode()
    assert "page 2 of" not in html
    rows = []
    for tr in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S):
        cells = {
            label: " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())
            for label, text in REVIEW_CELL.findall(tr)
        }
        if cells:
            rows.append(cells)
    return rows


def test_the_reviews_export_read_back_matches_the_page_for_each_filter(reader):
    """Every filter of the reviews register (committee, status, year, free text, together),
    and each exported row's values as the page shows them, in the workbook and the CSV."""
    osc = Committee.objects.get(name="Merton Overview and Scrutiny Commission")
    queries = [
        "",
        f"committee={osc.pk}",
        "status=monitoring",
        "year=2016/17",
        "q=services",
        f"committee={osc.pk}&q=shared&year=2016/17",
    ]
    for query in queries:
        shown = review_page_rows(reader, query)
        assert shown or query.startswith("status"), query
        as_page = [
            {
                "Review": row["Review"],
                "Committee": row["Origin committee"],
                "Year": row["Municipal year"],
                "Status": row["Status"],
                "Response deadline": british_date(row["Response deadline"]),
                "Recommendations": str(row["Recommendations"]),
            }
            for row in sheet_rows(workbook(reader.get(f"/reviews/export.xlsx?{query}"))["Reviews"])
        ]
        for exported, on_page in zip(as_page, shown, strict=True):
            # The page's review cell gives its type under the title.
            assert on_page["Review"].startswith(exported["Review"]), query
            for heading in ("Committee", "Year", "Status", "Recommendations"):
                assert exported[heading] == on_page[heading], (query, heading)
            assert on_page["Response deadline"].startswith(exported["Response deadline"])
        listed = csv_rows(reader.get(f"/reviews/export.csv?{query}"))
        assert [r["Review"] for r in listed] == [r["Review"] for r in as_page], query
        assert [r["Status"] for r in listed] == [r["Status"] for r in as_page], query


def test_the_registers_link_to_their_exports_with_the_filters(reader):
    html = reader.get("/recommendations/?status=on_track&page=1").content.decode()
    assert 'href="/recommendations/export.xlsx?status=on_track"' in html
    assert 'href="/recommendations/export.csv?status=on_track&amp;list=actions"' in html
    assert "Download as Excel (.xlsx)" in html
    html = reader.get("/reviews/?status=monitoring").content.decode()
    assert 'href="/reviews/export.csv?status=monitoring"' in html


def test_the_excel_working_files_stay_under_var_dir(reader, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    workbook(reader.get("/recommendations/export.xlsx"))
    assert (tmp_path / "tmp" / "exports").is_dir()
    assert not list((tmp_path / "tmp" / "exports").iterdir()), "nothing left behind"
    assert reverse("recommendation_export_xlsx") == "/recommendations/export.xlsx"


def test_markup_and_control_characters_in_the_text_are_written_safely(reader, officer_user):
    rec = Recommendation.objects.get(reference="2016/17 R3")
    rec.text = "Costs <£1m> & savings\x0b:\n• first bullet\n• second"
    rec.save(reason="Test: characters Excel cannot hold")
    book = workbook(reader.get("/recommendations/export.xlsx?q=savings"))
    (row,) = sheet_rows(book["Recommendations"])
    assert row["Recommendation"] == "Costs <£1m> & savings:\n• first bullet\n• second"
    (listed,) = csv_rows(reader.get("/recommendations/export.csv?q=savings"))
    assert listed["Recommendation"] == rec.text  # CSV holds any character
