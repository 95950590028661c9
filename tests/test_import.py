"""Importing a council's existing tracker (issue 14, point 1): spreadsheets built here in the
shapes councils use, read, previewed, saved through the services with history, imported
again without change; bad files refused with a clear message and nothing changed; the pages
through the test client and the command."""

import csv
import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from recommendations.imports import (
    ImportRefused,
    build_plan,
    find_layout,
    guess_mapping,
    read_sheet,
)
from recommendations.imports.columns import field_for
from recommendations.models import ActionPlanItem, Recommendation, TrackerImport, Update, status_key
from recommendations.services import tracker_import
from recommendations.statuses import Decision, RecommendationStatus
from reviews.models import Committee, CommitteeKind, Officer, Review

from .test_permissions import changed, snapshot

OSC = "Overview and Scrutiny Commission"
HEADINGS = [
    "Rec No",
    "Committee",
    "Date agreed",
    "Recommendation text",
    "Decision",
    "Cabinet date",
    "Responsible officer",
    "Action agreed",
    "Timescale",
    "Target date",
    "Progress",
    "RAG",
]


def row(
    ref,
    text,
    *,
    action="",
    timeline="",
    target=None,
    update="",
    status="",
    decision="Accepted",
    officer="Sophie Ellis",
):
    return [
        ref,
        OSC,
        datetime.date(2016, 7, 7),
        text,
        decision,
        datetime.date(2016, 11, 14),
        officer,
        action,
        timeline,
        target,
        update,
        status,
    ]


def council_rows():
    """Merton's tracker as a council keeps it: bullets in a cell, Excel and text dates,
    "Complete" and "On hold (budget)", a blank row, a recommendation over two rows."""
    return [
        row(
            "2016/17 R1",
            "That CMT should have a clearer mandate:\n"
            "• challenge at a senior level\n• internal peer review",
            action="Strengthen the TOM process",
            timeline="Late 2017",
            update="The refresh begins in autumn 2017.\nA statement of direction was issued.",
            status="Complete",
        ),
        [None] * len(HEADINGS),
        row(
            "2016/17 R2",
            "That a standardised business case is produced.",
            action="Guiding principles for business cases",
            target="June 2017",
            update="A draft set of principles has been developed.",
            status="On hold (budget)",
        ),
        row(
            "2016/17 R2",
            "That a standardised business case is produced.",
            action="A toolkit for services",
            target=datetime.date(2017, 8, 31),
            timeline="August 2017",
            status="Amber",
            officer="Ged Curran",
        ),
    ]


def workbook(rows, *, headings=HEADINGS, title=None, merges=(), header_rows=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    for extra in header_rows or []:
        sheet.append(extra)
    sheet.append(headings)
    for cells in rows:
        sheet.append(cells)
    for merge in merges:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(tmp_path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def plan_of(path: Path, **options):
    sheet = read_sheet(path, path.name)
    layout = find_layout(sheet.rows)
    return build_plan(sheet, layout, guess_mapping(layout), **options)


@pytest.fixture
def tracker(tmp_path):
    return write(
        tmp_path, "merton tracker.xlsx", workbook(council_rows(), title="Scrutiny tracker")
    )


# --- reading the headings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Rec No", "reference"),
        ("Ref.", "reference"),
        ("Recommendation text", "recommendation"),
        ("Recommendation", "recommendation"),
        ("Responsible officer", "lead_officer"),
        ("Lead Officer(s)", "lead_officer"),
        ("Progress", "update"),
        ("Update / action taken", "update"),
        ("RAG", "status"),
        ("RAG status", "status"),
        ("Timescale", "timeline"),
        ("Target completion date", "target_date"),
        ("Cabinet Member", "executive_member"),
        ("Executive response", "decision"),
        ("Origin committee", "committee"),
        ("Service area", "area"),
        ("Date of Cabinet", "executive_date"),
        ("Notes to self", "update"),
        ("Something else entirely", None),
    ],
)
def test_headings_in_the_councils_wording(heading, field):
    assert field_for(heading) == field


def test_a_second_header_row_names_the_group():
    """ "Date" under "Executive response" is the executive's date, not the date agreed."""
    assert field_for("Date", "Executive response") == "executive_date"
    assert field_for("Date") == "date_agreed"


def test_a_second_column_like_a_field_already_given_goes_to_its_neighbour():
    from recommendations.imports.columns import Layout

    layout = Layout(0, ["Decision", "Response", "Date", "Date", "Notes", "Progress"], [""] * 6)
    assert guess_mapping(layout) == [
        "decision",
        "response_text",
        "date_agreed",
        "executive_date",
        "update",
        "",
    ]


def test_headings_in_another_order_under_a_title_and_group_headings(tmp_path):
    headings = ["Progress", "RAG", "Recommendation", "No.", "Date", "Decision", "Lead Officer"]
    groups = [
        "Latest position",
        "Latest position",
        "Recommendation",
        "Recommendation",
        "Executive response",
        "Executive response",
        "",
    ]
    path = write(
        tmp_path,
        "t.xlsx",
        workbook(
            [
                [
                    "Done",
                    "Green",
                    "That the council publish its data.",
                    1,
                    datetime.date(2017, 1, 9),
                    "Agreed",
                    "Ged Curran",
                ]
            ],
            headings=headings,
            title="Tracker, March 2018",
            header_rows=[groups],
        ),
    )
    sheet = read_sheet(path, path.name)
    layout = find_layout(sheet.rows)
    assert layout.header_index == 2
    assert guess_mapping(layout) == [
        "update",
        "status",
        "recommendation",
        "reference",
        "executive_date",
        "decision",
        "lead_officer",
    ]


# --- what a row becomes ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_councils_tracker_is_imported_with_history(tracker, officer_user):
    plan = plan_of(tracker)
    assert [r.number for r in plan.skipped_rows] == [4]
    assert plan.notes == [
        "Updates with no date of their own (the file has no update date, or the cell is "
        "empty) are dated the day of the import."
    ]
    assert not plan.refused_rows
    assert plan.unknown == {"committee": [OSC], "officer": ["Ged Curran", "Sophie Ellis"]}
    notes = " ".join(n for r in plan.rows for n in r.notes)
    assert "“Complete” is not in the council's key: it will be saved as “Achieved”" in notes
    assert (
        "“On hold (budget)” is not in the council's key: it will be saved as “Paused”, with "
        "the reason “budget”" in notes
    )
    assert "The target date “June 2017” is not a date: it is kept as the timeline." in notes

    result = tracker_import(plan=plan, user=officer_user)
    assert result.created == {
        "committee": 1,
        "review": 1,
        "recommendation": 2,
        "officer": 2,
        "action": 3,
        "update": 2,
    }
    committee = Committee.objects.get(name=OSC)
    assert committee.kind == CommitteeKind.SCRUTINY
    review = Review.objects.get()
    assert review.commissioning_committee == committee
    assert review.report_agreed_on == datetime.date(2016, 7, 7)
    assert review.title == f"{OSC}: recommendations agreed on 7 July 2016"

    r1 = Recommendation.objects.get(reference="2016/17 R1")
    assert r1.number == 1
    assert r1.text == (
        "That CMT should have a clearer mandate:\n"
        "- challenge at a senior level\n- internal peer review"
    )
    assert r1.decision == "accepted" and r1.response_date == datetime.date(2016, 11, 14)
    assert r1.lead_officer.name == "Sophie Ellis"
    assert r1.status == "achieved"
    action = r1.actions.get()
    assert (action.action, action.timeline, action.target_date) == (
        "Strengthen the TOM process",
        "Late 2017",
        None,
    )
    update = r1.updates.get()
    assert update.text == "The refresh begins in autumn 2017.\nA statement of direction was issued."
    assert update.action == action and update.reported_status == "achieved"
    assert update.entered_by == officer_user

    r2 = Recommendation.objects.get(reference="2016/17 R2")
    first, second = r2.actions.order_by("number")
    assert (first.timeline, first.target_date, first.status, first.status_reason) == (
        "June 2017",
        None,
        "paused",
        "budget",
    )
    assert (second.timeline, second.target_date, second.status) == (
        "August 2017",
        datetime.date(2017, 8, 31),
        "on_track",
    )
    assert second.owner.name == "Ged Curran"
    assert r2.status == "on_track"

    # Each record's history says where it came from, and who imported it.
    for record, number in [
        (committee, 3),
        (review, 3),
        (r1, 3),
        (action, 3),
        (update, 3),
        (r2, 5),
        (second, 6),
    ]:
        first_row = record.history.order_by("history_id").first()
        assert first_row.history_change_reason == f"imported from merton tracker.xlsx, row {number}"
        assert first_row.history_user == officer_user


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(tracker, officer_user):
    tracker_import(plan=plan_of(tracker), user=officer_user)
    before = snapshot()
    again = plan_of(tracker)
    assert again.recommendations_new == 0 and again.recommendations_matched == 2
    assert not again.unknown
    result = tracker_import(plan=again, user=officer_user)
    assert result.created == {} and result.unchanged == 3
    assert not changed(before, snapshot())


@pytest.mark.django_db
def test_a_new_update_in_the_next_tracker_is_added_to_the_recommendation(tmp_path, officer_user):
    path = write(tmp_path, "q1.xlsx", workbook(council_rows()))
    tracker_import(plan=plan_of(path), user=officer_user)
    rows = council_rows()
    rows[0][10] = "The refresh has finished."
    path = write(tmp_path, "q2.xlsx", workbook(rows))
    result = tracker_import(plan=plan_of(path), user=officer_user)
    assert result.created == {"update": 1}
    r1 = Recommendation.objects.get(reference="2016/17 R1")
    assert r1.updates.count() == 2 and r1.actions.count() == 1


@pytest.mark.django_db
def test_a_recommendation_merged_down_two_rows_has_two_actions(tmp_path, officer_user):
    rows = [
        row(
            "OS 16-17/03",
            "That members are trained.",
            action="Training sessions",
            update="Two held.",
        ),
        row(None, None, action="E-learning module", update="Being written."),
    ]
    for cells in rows[1:]:
        cells[1] = cells[2] = None
    headings = HEADINGS
    path = write(
        tmp_path,
        "merged.xlsx",
        workbook(rows, headings=headings, merges=["A2:A3", "D2:D3", "B2:B3", "C2:C3"]),
    )
    plan = plan_of(path)
    assert not plan.refused_rows
    tracker_import(plan=plan, user=officer_user)
    rec = Recommendation.objects.get(reference="OS 16-17/03")
    assert rec.number == 3
    assert list(rec.actions.values_list("action", flat=True)) == [
        "Training sessions",
        "E-learning module",
    ]
    assert rec.updates.count() == 2


@pytest.mark.django_db
def test_a_row_carrying_on_without_merges_joins_the_recommendation_above(tmp_path, officer_user):
    rows = [
        row("R9", "That the council reports yearly.", action="Annual report"),
        [None] * 7 + ["Half-year report"] + [None] * 4,
    ]
    path = write(tmp_path, "t.xlsx", workbook(rows))
    plan = plan_of(path)
    assert plan.rows[1].carries_on and plan.rows[1].carries_on_row == 2
    tracker_import(plan=plan, user=officer_user)
    assert Recommendation.objects.get(reference="R9").actions.count() == 2


@pytest.mark.django_db
def test_text_dates_and_excel_serials(tmp_path, officer_user):
    rows = [
        row("A1", "First.", target="30/09/2017"),
        row("A2", "Second.", target="Ongoing"),
        row("A3", "Third.", target=43008),  # an Excel serial date: 30 September 2017
        row("A4", "Fourth.", target="31st March 2018"),
    ]
    rows[1][2] = "Late 2016"  # a date agreed that is not a date
    path = write(tmp_path, "t.xlsx", workbook(rows))
    plan = plan_of(path)
    by_ref = {r.reference: r for r in plan.rows}
    assert by_ref["A1"].target_date == datetime.date(2017, 9, 30)
    assert by_ref["A2"].target_date is None and by_ref["A2"].timeline == "Ongoing"
    assert by_ref["A3"].target_date == datetime.date(2017, 9, 30)
    assert by_ref["A4"].target_date == datetime.date(2018, 3, 31)
    assert "The date agreed “Late 2016” is not a date: it is left out." in by_ref["A2"].notes


@pytest.mark.django_db
def test_a_reference_already_used_is_named_and_the_row_listed(tracker, officer_user, review):
    held = Recommendation(review=review, number=1, text="Something else")
    held.set_reference("2016/17 R2")
    held.save()
    plan = plan_of(tracker, default_committee=None)
    refused = plan.refused_rows
    assert [r.number for r in refused] == [5, 6]
    assert (
        "The reference 2016/17 R2 is already used by recommendation 1 of “Shared services”"
        in refused[0].problems[0]
    )
    assert "carries on" not in refused[0].problems[0]
    table = list(csv.reader(io.StringIO(plan.problems_csv().lstrip("\ufeff"))))
    assert table[0][:2] == ["Row", "Problems"] and [r[0] for r in table[1:]] == ["5", "6"]
    result = tracker_import(plan=plan, user=officer_user)
    assert result.refused == 2
    assert Recommendation.objects.filter(reference="2016/17 R1").exists()
    assert Recommendation.objects.filter(reference="2016/17 R2").get().text == "Something else"


@pytest.mark.django_db
def test_rows_with_no_committee_take_the_one_chosen(tmp_path, officer_user, committee):
    path = write(tmp_path, "t.csv", b"Ref,Recommendation\nX1,That it is done.\n")
    plan = plan_of(path)
    assert "No origin committee" in plan.rows[0].problems[0]
    plan = plan_of(path, default_committee=committee)
    assert not plan.refused_rows
    tracker_import(plan=plan, user=officer_user)
    assert Recommendation.objects.get(reference="X1").review.commissioning_committee == committee


@pytest.mark.django_db
def test_a_name_matched_by_the_officer_is_not_added(tracker, officer_user, committee):
    ellis = Officer.objects.create(name="S. Ellis")
    plan = plan_of(tracker)
    tracker_import(
        plan=plan,
        user=officer_user,
        matches={("officer", "Sophie Ellis"): ellis, ("committee", OSC): committee},
    )
    assert Recommendation.objects.get(reference="2016/17 R1").lead_officer == ellis
    assert not Officer.objects.filter(name="Sophie Ellis").exists()
    assert Review.objects.get().commissioning_committee == committee


@pytest.mark.django_db
def test_a_status_the_key_does_not_have_and_the_decisions(tmp_path, officer_user):
    rows = [
        row("S1", "One.", status="Not a status at all"),
        row("S2", "Two.", status="Closed", decision="Partially accepted: only in part"),
        row("S3", "Three.", decision="Rejected"),
    ]
    rows[2][5] = None  # no executive date
    path = write(tmp_path, "t.xlsx", workbook(rows))
    plan = plan_of(path)
    s1, s2, s3 = plan.rows
    assert s1.status == "" and "neither in the council's key" in s1.notes[0]
    assert s2.status == "achieved" and "comes only from the committee's closure" in s2.notes[0]
    assert (s2.decision, s2.response_text) == ("partially_accepted", "only in part")
    assert s3.decision == "" and "has no executive date" in s3.notes[0]
    tracker_import(plan=plan, user=officer_user)
    assert Recommendation.objects.get(reference="S2").status_set_by_officer == "achieved"


# --- CSV ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.django_db
def test_a_decision_and_a_closure_the_row_gives_are_recorded(tmp_path, officer_user):
    """ "Not accepted" in the decision column is the executive's decision (not a status); a
    "Closed" status with its closing date and minute is the committee's closure, at a meeting
    of the review's committee on that date."""
    headings = [*HEADINGS, "Closed on", "Closure minute"]
    rows = [
        [*row("2016/17 R1", "That CMT has a mandate.", status="Closed"), "6 July 2017", "12"],
        [
            *row("2016/17 R2", "That a business case is produced.", decision="Not accepted"),
            None,
            None,
        ],
        [*row("2016/17 R3", "That peers review.", status="Closed"), datetime.date(2017, 7, 6)],
    ]
    plan = plan_of(write(tmp_path, "t.xlsx", workbook(rows, headings=headings)))
    assert not plan.refused_rows
    notes = " ".join(n for r in plan.rows for n in r.notes)
    assert "A closure needs both its date and its minute reference" in notes
    result = tracker_import(plan=plan, user=officer_user)
    assert result.created["meeting"] == 1
    closed = Recommendation.objects.get(reference="2016/17 R1")
    assert closed.closed_on == datetime.date(2017, 7, 6)
    assert closed.closure_minute_reference == "12"
    assert closed.closed_at_meeting.committee.name == OSC
    assert closed.status == status_key().code_for(RecommendationStatus.CLOSED)
    assert "imported from t.xlsx, row 2" in {h.history_change_reason for h in closed.history.all()}
    rejected = Recommendation.objects.get(reference="2016/17 R2")
    assert rejected.decision == Decision.REJECTED
    assert rejected.response_date == datetime.date(2016, 11, 14)
    assert "Not accepted" in rejected.response_text
    assert rejected.status == status_key().code_for(RecommendationStatus.NOT_ACCEPTED)
    # No minute: no closure; the status "Closed" reads as Achieved, as before.
    assert not Recommendation.objects.get(reference="2016/17 R3").is_closed
    # Imported again: nothing changes.
    before = snapshot()
    tracker_import(
        plan=plan_of(write(tmp_path, "t.xlsx", workbook(rows, headings=headings))),
        user=officer_user,
    )
    assert not changed(before, snapshot())


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_csv_in_utf8_with_a_bom_or_windows_1252(tmp_path, officer_user, encoding):
    # An apostrophe and a dash as Word types them (both in Windows-1252).
    text = (
        "Ref;Committee;Recommendation;Status\r\n"
        'C1;Scrutiny Panel;"That the café\u2019s lease is reviewed.\n\u2013 by March";Complete\r\n'
    )
    path = write(tmp_path, "t.csv", text.encode(encoding))
    plan = plan_of(path)
    assert plan.rows[0].text == "That the café\u2019s lease is reviewed.\n- by March"
    tracker_import(plan=plan, user=officer_user)
    assert Recommendation.objects.get(reference="C1").status_set_by_officer == "achieved"


# --- bad files ------------------------------------------------------------------------------------


def refused(path: Path) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_sheet(path, path.name)
    return str(caught.value)


def test_not_a_spreadsheet(tmp_path):
    assert "is not an Excel workbook" in refused(write(tmp_path, "t.xlsx", b"hello, this is text"))
    assert "not a spreadsheet the tracker can read" in refused(write(tmp_path, "t.docx", b"PK"))
    assert "is not a CSV file" in refused(write(tmp_path, "t.csv", b"\x89PNG\x00\x00\x00"))


def test_empty_files(tmp_path):
    assert "is empty" in refused(write(tmp_path, "t.csv", b""))
    assert "has no data" in refused(write(tmp_path, "t.csv", b"\r\n,,\r\n"))
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    assert "has no data" in refused(write(tmp_path, "t.xlsx", book.getvalue()))


def test_macro_enabled_workbooks_are_refused(tmp_path):
    data = workbook(council_rows())
    assert "macro-enabled workbook" in refused(write(tmp_path, "t.xlsm", data))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"macro")
    assert "holds macros" in refused(write(tmp_path, "renamed.xlsx", out.getvalue()))


def _with_sheet_xml(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(item.filename, content)
    return out.getvalue()


@pytest.mark.django_db
def test_a_formula_keeps_the_value_excel_saved_or_is_refused(tmp_path):
    rows = council_rows()
    rows[0][0] = '="2016/17 "&"R1"'
    data = workbook(rows)
    assert "holds a formula" in refused(write(tmp_path, "t.xlsx", data))
    # As Excel saves it: the formula with its value.
    saved = _with_sheet_xml(
        data,
        lambda xml: re.sub(
            r'(<c r="A2")(>)(<f>.*?</f>)<v></v>', r'\1 t="str"\2\3<v>2016/17 R1</v>', xml
        ),
    )
    sheet = read_sheet(write(tmp_path, "saved.xlsx", saved), "saved.xlsx")
    assert sheet.rows[1][0] == "2016/17 R1"
    assert sheet.notes == ["1 cell holds a formula: the value Excel saved with it is imported."]


def test_a_hundred_thousand_rows_are_refused_before_reading_them(tmp_path, settings):
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>r</t></is></c></row>'
        for i in range(2, 100_002)
    )
    data = _with_sheet_xml(
        workbook([], headings=["Recommendation"]),
        lambda xml: re.sub(
            r"<dimension ref=\"[^\"]*\"/>", '<dimension ref="A1:A100001"/>', xml
        ).replace("</row></sheetData>", "</row>" + rows + "</sheetData>"),
    )
    message = refused(write(tmp_path, "big.xlsx", data))
    assert message == (
        f"“big.xlsx” has 100,001 rows: at most {settings.IMPORT_MAX_ROWS:,} can be imported at "
        "once. Split it into several files."
    )
    lines = "Recommendation\n" + "r\n" * 100_000
    assert "has more than" in refused(write(tmp_path, "big.csv", lines.encode()))


def test_a_cell_of_a_megabyte_is_refused(tmp_path):
    rows = council_rows()
    rows[0][3] = "PLACEHOLDER"  # openpyxl cuts a cell it writes to Excel's 32,767 characters
    data = _with_sheet_xml(workbook(rows), lambda xml: xml.replace("PLACEHOLDER", "x" * 1_000_000))
    message = refused(write(tmp_path, "t.xlsx", data))
    assert message.startswith(
        "Cell D2 of “t.xlsx” holds 1,000,000 characters: the most a cell may hold is 32,767."
    )
    assert "A cell in row 2 of “t.csv” holds more than 32,767 characters" in refused(
        write(tmp_path, "t.csv", b"Recommendation\n" + b"x" * 1_000_000)
    )


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert "the largest file that can be imported is 0.0 MB" in refused(
        write(tmp_path, "t.xlsx", workbook(council_rows()))
    )


# --- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def upload(client, name: str, data: bytes):
    return client.post(reverse("tracker_import_upload"), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_an_officer_uploads_checks_and_imports(client, officer_user, var_dir):
    client.force_login(officer_user)
    page = client.get(reverse("recommendation_list"))
    assert reverse("tracker_import_upload") in page.content.decode()
    response = upload(client, "Merton tracker.xlsx", workbook(council_rows(), title="Tracker"))
    batch = TrackerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert batch.path.is_file() and batch.path.is_relative_to(var_dir)
    assert batch.history.get().history_change_reason == "Uploaded Merton tracker.xlsx"
    preview = client.get(batch.get_absolute_url())
    html = preview.content.decode()
    assert "Check the tracker before importing" in html
    assert "it will be saved as “Paused”, with the reason “budget”" in html
    assert "Add “Sophie Ellis” as a new officer" in html
    assert not Recommendation.objects.exists()

    # Change the mapping: the status column not imported; the preview follows, nothing saved.
    data = {f"col_{i}": name for i, name in enumerate(batch.mapping)}
    data.update(col_11="", step="preview")
    preview = client.post(batch.get_absolute_url(), data)
    assert preview.status_code == 200 and "it will be saved as" not in preview.content.decode()
    assert not Recommendation.objects.exists()

    data["step"] = "import"
    done = client.post(batch.get_absolute_url(), data)
    assert done.status_code == 302
    assert Recommendation.objects.count() == 2 and ActionPlanItem.objects.count() == 3
    assert not ActionPlanItem.objects.exclude(status="not_started").exists()
    update = Update.objects.filter(text__startswith="The refresh").get()
    assert update.history.get().history_user == officer_user
    batch.refresh_from_db()
    assert batch.state == "imported" and not batch.path.exists()
    assert "Added 1 review, 2 recommendations, 3 actions" in batch.summary
    page = client.get(batch.get_absolute_url())
    assert "Tracker imported" in page.content.decode()
    before = snapshot()
    again = client.post(batch.get_absolute_url(), data)
    assert again.status_code == 200 and "imported already" in again.content.decode()
    assert not changed(before, snapshot())


def _confirm(client, batch):
    client.force_login(batch.uploaded_by)
    data = {f"col_{i}": name for i, name in enumerate(batch.mapping)}
    return client.post(batch.get_absolute_url(), {**data, "step": "import"})


@pytest.mark.django_db
def test_a_large_import_is_saved_by_the_background_task(client, officer_user, var_dir, settings):
    """More rows than IMPORT_SYNC_MAX_ROWS: the confirmation hands the import to the task
    (the tests' immediate backend runs it at once), which saves it through the same service."""
    settings.IMPORT_SYNC_MAX_ROWS = 2  # the tracker has 3 rows to save
    client.force_login(officer_user)
    upload(client, "Merton tracker.xlsx", workbook(council_rows()))
    batch = TrackerImport.objects.get()
    done = _confirm(client, batch)
    assert done.status_code == 302 and done["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()
    assert batch.state == "imported" and not batch.path.exists()
    assert Recommendation.objects.count() == 2 and ActionPlanItem.objects.count() == 3
    reasons = {h.history_change_reason for h in batch.history.all()}
    assert "Confirmed: imported in the background" in reasons
    update = Update.objects.filter(text__startswith="The refresh").get()
    assert update.history.get().history_change_reason == "imported from Merton tracker.xlsx, row 2"
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Tracker imported" in page and "Added 1 review, 2 recommendations" in page
    before = snapshot()
    assert "imported already" in _confirm(client, batch).content.decode()
    assert not changed(before, snapshot())


@pytest.mark.django_db
def test_a_background_import_refused_puts_the_upload_back_with_the_reason(
    client, officer_user, var_dir, settings, monkeypatch
):
    """A rule broken by a row when the task saves it (the register changed since the preview)
    stops the task: nothing saved, the upload back to be checked, the preview saying why."""
    import recommendations.services

    def refuse(**_given):
        raise ValidationError(["Row 2: the reference 2016/17 R1 was taken meanwhile."])

    settings.IMPORT_SYNC_MAX_ROWS = 0
    client.force_login(officer_user)
    upload(client, "Merton tracker.xlsx", workbook(council_rows()))
    batch = TrackerImport.objects.get()
    monkeypatch.setattr(recommendations.services, "tracker_import", refuse)
    _confirm(client, batch)
    batch.refresh_from_db()
    assert batch.state == "uploaded" and batch.path.is_file()
    assert batch.summary == "Not imported: Row 2: the reference 2016/17 R1 was taken meanwhile."
    assert not Recommendation.objects.exists() and not Review.objects.exists()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Check the tracker before importing" in page
    assert "the reference 2016/17 R1 was taken meanwhile" in page


def test_a_large_import_waits_for_the_worker_on_the_database_backend(
    transactional_db, client, officer_user, var_dir, settings
):
    from django_tasks_db.models import DBTaskResult

    from .test_documents_views import DATABASE_TASKS, run_worker

    settings.IMPORT_SYNC_MAX_ROWS = 2
    settings.TASKS = DATABASE_TASKS
    client.force_login(officer_user)
    upload(client, "Merton tracker.xlsx", workbook(council_rows()))
    batch = TrackerImport.objects.get()
    assert _confirm(client, batch).status_code == 302
    task = DBTaskResult.objects.get()
    assert task.task_path == "recommendations.imports.tasks.import_tracker"
    batch.refresh_from_db()
    assert batch.state == "queued" and not Recommendation.objects.exists()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "The tracker is being imported" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    second = _confirm(client, batch)  # confirmed twice: refused, one task only
    assert "being imported already" in second.content.decode()
    assert DBTaskResult.objects.count() == 1

    run_worker()
    batch.refresh_from_db()
    assert batch.state == "imported" and not batch.path.exists()
    assert Recommendation.objects.count() == 2 and Update.objects.count() == 2
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Tracker imported" in page and "refresh" not in page


@pytest.mark.django_db
def test_the_rows_that_cannot_be_saved_download_as_csv(client, officer_user, var_dir, review):
    held = Recommendation(review=review, number=1, text="Something else")
    held.set_reference("2016/17 R1")
    held.save()
    client.force_login(officer_user)
    upload(client, "t.xlsx", workbook(council_rows()))
    batch = TrackerImport.objects.get()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "1 row cannot be saved" in page
    response = client.get(batch.get_absolute_url() + "?download=problems")
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[1][0] == "2" and "already used" in table[1][1]


def _formula_workbook() -> bytes:
    rows = council_rows()
    rows[0][0] = '="2016/17 "&"R1"'
    return workbook(rows)


def _macro_workbook() -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook(council_rows()))) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"macro")
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "is not a spreadsheet the tracker can read"),
        ("t.xlsm", b"PK", "macro-enabled workbook"),
        ("t.xlsx", b"not a workbook", "is not an Excel workbook"),
        ("t.csv", b"", "The file is empty"),
        ("t.csv", b"\r\n,,\r\n", "has no data"),
        ("big.csv", ("Recommendation\n" + "r\n" * 100_000).encode(), "can be imported at once"),
        ("t.xlsx", _formula_workbook(), "holds a formula"),
        ("renamed.xlsx", _macro_workbook(), "holds macros"),
        ("t.csv", b"Recommendation\n" + b"x" * 1_000_000, "the most a cell may hold"),
    ],
)
def test_a_bad_upload_says_why_and_keeps_nothing(
    client, officer_user, var_dir, name, data, message
):
    client.force_login(officer_user)
    before = snapshot()
    response = upload(client, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not changed(before, snapshot())
    assert not (var_dir / "imports").exists() or not any((var_dir / "imports").iterdir())


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused(client, officer_user, var_dir, settings):
    settings.IMPORT_MAX_BYTES = 2000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 3000
    client.force_login(officer_user)
    response = upload(client, "t.xlsx", workbook(council_rows()))
    assert response.status_code == 200
    assert "The file is larger than 0.0 MB" in response.content.decode()
    assert not TrackerImport.objects.exists()


@pytest.mark.django_db
def test_only_scrutiny_officers_import(client, lead_officer_user, councillor_user, var_dir):
    for user in (lead_officer_user, councillor_user):
        client.force_login(user)
        assert client.get(reverse("tracker_import_upload")).status_code == 403
        assert upload(client, "t.xlsx", workbook(council_rows())).status_code == 403
    assert not TrackerImport.objects.exists()


# --- the command ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_dry_run_then_import_then_again(tracker, capsys):
    before = snapshot()
    call_command("import_tracker", str(tracker), "--dry-run")
    out = capsys.readouterr().out
    assert "A “Rec No” → Reference" in out
    assert (
        "Dry run, nothing saved. Importing would do this: Added 1 review, 2 recommendations" in out
    )
    assert not changed(before, snapshot())
    call_command("import_tracker", str(tracker))
    assert Recommendation.objects.count() == 2
    rec = Recommendation.objects.get(reference="2016/17 R1")
    assert rec.history.earliest("history_date").history_user.username == "system"
    after = snapshot()
    call_command("import_tracker", str(tracker))
    assert "Nothing new to add. 3 rows already in the register" in capsys.readouterr().out
    assert not changed(after, snapshot())


@pytest.mark.django_db
def test_the_command_takes_a_mapping_and_refuses_bad_files(tracker, tmp_path, capsys):
    call_command("import_tracker", str(tracker), "--dry-run", "--mapping", '{"RAG": "", "L": ""}')
    out = capsys.readouterr().out
    assert "L “RAG” → not imported" in out and "Paused" not in out
    with pytest.raises(CommandError, match="is not a field"):
        call_command("import_tracker", str(tracker), "--mapping", '{"RAG": "colour"}')
    with pytest.raises(CommandError, match=r"holds macros|macro-enabled"):
        call_command("import_tracker", str(write(tmp_path, "t.xlsm", b"PK")))
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_an_upload_imported_meanwhile_is_not_imported_again(tracker, officer_user, admin_user):
    """Two officers confirm the same upload: the second is refused, saying so."""
    from django.core.exceptions import ValidationError

    batch = TrackerImport(filename=tracker.name, uploaded_by=officer_user)
    batch.save()
    mine, theirs = plan_of(tracker), plan_of(tracker)
    tracker_import(plan=theirs, user=admin_user, batch=TrackerImport.objects.get(pk=batch.pk))
    before = snapshot()
    with pytest.raises(ValidationError, match="imported already"):
        tracker_import(plan=mine, user=officer_user, batch=batch)
    assert not changed(before, snapshot())
    assert TrackerImport.objects.get(pk=batch.pk).history.first().history_user == admin_user


@pytest.mark.django_db
def test_a_review_column_groups_the_recommendations_and_names_are_added(tmp_path, officer_user):
    headings = [
        "Review", "Committee", "Recommendation", "Responsible body", "Cabinet Member",
        "Service area", "Paragraph",
    ]  # fmt: skip
    shared, cmt = "Shared services", "Corporate Management Team"
    rows = [
        [shared, OSC, "Recommendation 1: That CMT leads.", "Cabinet", "Cllr Mark Allison"],
        [shared, OSC, "Recommendation 2: That Cabinet decides.", cmt, "Councillor Mark Allison"],
        ["Libraries", OSC, "That the libraries open later.", "Cabinet", ""],
    ]
    for cells, area, paragraph in zip(
        rows, ["Corporate", "", "Libraries"], ["14", "", ""], strict=True
    ):
        cells += [area, paragraph]
    path = write(tmp_path, "t.xlsx", workbook(rows, headings=headings))
    plan = plan_of(path)
    assert plan.unknown == {
        "committee": [OSC],
        "body": ["Cabinet", "Corporate Management Team"],
        "councillor": ["Mark Allison"],
    }
    result = tracker_import(plan=plan, user=officer_user)
    assert result.created["review"] == 2 and result.created["committee"] == 3
    shared = Review.objects.get(title="Shared services")
    first, second = shared.recommendations.order_by("number")
    assert (first.number, first.text, first.paragraph_reference) == (1, "That CMT leads.", "14")
    assert first.responsible_body.kind == CommitteeKind.EXECUTIVE
    assert second.responsible_body.kind == CommitteeKind.OFFICER
    assert first.lead_member == second.lead_member and first.lead_member.name == "Mark Allison"
    assert first.service_area == "Corporate"
    libraries = Review.objects.get(title="Libraries").recommendations.get()
    assert libraries.number == 1 and libraries.responsible_body == first.responsible_body


@pytest.mark.django_db
def test_an_upload_left_for_a_day_is_removed_at_the_next(client, officer_user, var_dir):
    import os
    import time

    client.force_login(officer_user)
    upload(client, "first.xlsx", workbook(council_rows()))
    first = TrackerImport.objects.get()
    day_ago = time.time() - 25 * 3600
    os.utime(first.directory, (day_ago, day_ago))
    upload(client, "second.xlsx", workbook(council_rows()))
    assert not first.directory.exists()
    assert TrackerImport.objects.get(filename="second.xlsx").file_kept()
    page = client.get(first.get_absolute_url())
    assert "The file is no longer kept" in page.content.decode()
