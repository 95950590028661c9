"""The paste parser: the officer pastes the list of recommendations from a report and the
parser returns what it understood, for the officer to correct in a preview.

The seed excerpts below are copied from the council papers in the project's seeds (Merton's
shared services task group report, Harrow's shared services review and Merton's action plan
update), exactly as they were extracted, tabs and all.
"""

# ruff: noqa: RUF001  (the seeds are quoted as written: en dashes, curly quotes)

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommendations.paste import (
    INTERNAL_ERROR,
    LONG_TEXT_CHARS,
    MAX_PASTE_CHARS,
    SHAPES,
    ParsedRecommendation,
    ParseResult,
    parse_recommendations,
)

# --- the seeds ---------------------------------------------------------------------------------

# Seed 003, from "List of task group's recommendations" to the end: a two-column table turned
# into text, the body after a tab, recommendation 5 split over a page break.
SEED_003 = (
    "List of task group's recommendations\n"
    "\n"
    "\tResponsible decision making body\n"
    "Recommendation 1 (paragraph 14)\t\n"
    "We recommend that the Head of Democracy Services contacts the Chief Executive of "
    "Achieving for Children (a shared service between Richmond and Kingston Councils) to "
    "organise a visit for task group members to scrutinise their delivery model on a "
    "date that is convenient to Achieving for Children\tOverview and Scrutiny Commission\n"
    "Recommendation 2 (paragraph 22)\t\n"
    "We recommend that decision making on the establishment of new shared services is "
    "strengthened through the production of a standardised business case that is "
    "presented to the Corporate Management Team and to Cabinet (or the relevant "
    "individual Cabinet Member for smaller shared services) for approval. This business "
    "case should include financial modelling as well as details of other expected "
    "benefits so that vigorous challenge can be provided prior to a formal decision "
    "being made.\tCabinet\n"
    "Recommendation 3 (paragraph 29)\t\n"
    "We recommend that Cabinet should ensure there is support provided to service "
    "managers who are exploring the feasibility of establishing a new shared service so "
    "that these managers can draw on learning and expertise that already exists within "
    "the council. We suggest that this should take the form of an on-line resource such "
    "as a checklist of issues to consider and contact details of officers who can "
    "provide advice and support. The resource should also include guidance on developing "
    "the business case for the service as set out in recommendation 2 above.\tCabinet\n"
    "Recommendation 4 (paragraph 49)\t\n"
    "We recommend that Cabinet ensure that a training or briefing resource is developed "
    "for officers in those corporate teams (such as HR, IT, finance and facilities) so "
    "that they understand the delivery model and likely support requirements of the "
    "council's shared services.\tCabinet\n"
    "Recommendation 5 (paragraph 50)\t\n"
    "We recommend that the council's Corporate Management Team use its review of the "
    "Target Operating Model, in particular the corporate layers, to ensure that learning "
    "from existing shared services has been captured and that\tCabinet – delegated to CMT\n"
    "\n"
    "there is a standardised approach to modelling proposed new shared services.\t\n"
    "Recommendation 6 (paragraph 53)\t\n"
    "We recommend that scrutiny should take a role in reviewing the operation, "
    "performance and budget of large or strategically important shared services 15 "
    "months after their start date and when the agreement is due for review.\tOverview "
    "and Scrutiny Commission\n"
    "Recommendation 7 (paragraph 54)\t\n"
    "We recommend that in considering which shared services to scrutinise, the Overview "
    "and Scrutiny Commission and Panels should bear in mind the governance structure for "
    "the service so that scrutiny activities do not duplicate the function of elected "
    "members on any governance committee that has been established.\tOverview and "
    "Scrutiny Commission\n"
    "Recommendation 8 (paragraph 62)\t\n"
    "We recommend that the Overview and Scrutiny Commission should continue to "
    "commission mini task groups to examine other models of service delivery.\tOverview "
    "and Scrutiny Commission\n"
    "Recommendation 9 (paragraph 63)\t\n"
    "We recommend, that due to the cumulative approach to learning adopted through this "
    "series of task group reviews, the Overview and Scrutiny Commission should send a "
    "joint report to Cabinet once several task group reviews have completed rather than "
    "sending each one separately.\tOverview and Scrutiny Commission\n"
    "\n"
    "This page is intentionally left blank"
)

# Seed 001: Harrow's bulleted list, with the line before it and the section after it.
SEED_001 = (
    "The review makes the following recommendations:\n"
    "· Recommendation 1: that every decision that the council takes around future shared "
    "service arrangements should be supported by robust feasibility studies, options "
    "appraisals and business case, which have been considered by CSB and had the "
    "opportunity to be critically and constructively challenged by members.\n"
    "· Recommendation 2: that the council develops a checklist of considerations that "
    "any future shared services agreement process must take account in order to be "
    "confident that the shared service is beneficial to Harrow Council and that any "
    "risks identified can be mitigated.  This can build on the checklist suggested by "
    "the review group.\n"
    "· Recommendation 3: that the outstanding information identified by the Review Group "
    "following the Challenge Panel is followed up by O&S as and when appropriate, and as "
    "scrutiny work programme and resources allow.\n"
    "\n"
    "\n"
    "Ward Councillors’ comments\n"
    "Not applicable as report relates to all wards.\n"
    "\n"
)

# Seed 002: Merton's action plan update, a table whose header repeats on each page, with the
# paragraph before it and the section after it.
SEED_002 = (
    "3.1. The table below provides an update on each of the actions within the agreed "
    "plan.\n"
    "\n"
    "Recommendation\tAction Agreed\tTimeline\tUpdate\n"
    "Recommendation 1 That the Corporate Management Team (CMT) should have a more "
    "clearly defined mandate and process to embed challenge on models of service "
    "delivery at a senior level within the organisation. This will ensure that there is "
    "more specific challenge to service managers as well as internal peer review.\tAs "
    "part of a planned review the TOM process is to be strengthened so that more direct, "
    "dedicated support – with facilitated sessions where required – to be made available "
    "to service managers as part of the TOM review/development process. DMTs will "
    "continue to routinely review (as part of their TOM action plan review) actions set "
    "out against the 'organisation' layer to review whether planned changes to delivery "
    "models need to be amended/updated. As part of the biannual reports already "
    "presented to Merton Improvement Board, DMTs will be asked to expressly report on "
    "progress against the 'organisation' layer and how it is being kept under review and "
    "MIB provide constructive challenge.\tLate 2017\tThe biennial Target Operating Model "
    "refresh process begins in the autumn of 2017. With the oversight of CMT the process "
    "is being strengthened to ensure a consistently robust approach to the review of "
    "service delivery vehicles under the direction of each DMT. A Statement of Direction "
    "has been issued by CMT that directs TOM authors (service leads) clearly grounding "
    "the work with the need to challenge existing delivery models. The TOM Guidance has "
    "been refreshed and within the organisational layer there is an explicit requirement "
    "for service leads to expand on how reviews of delivery models have been undertaken "
    "and will continue to be undertaken. A dedicated point of contact (Head of "
    "Commercial Services) will support the process and a number of facilitated sessions "
    "to generate ideas and innovation around delivery models will be run during the "
    "development phase of the TOMs. A process for 'make or buy' reviews will be made "
    "available and promoted through the TOM refresh.\n"
    "Recommendation 2 That decision making on the establishment of proposed shared and "
    "outsourced services is strengthened through the production of a standardised "
    "business case that is presented to the Corporate Management Team and to Cabinet (or "
    "the relevant individual Cabinet Member for smaller services) for approval. This "
    "business case should be clearly evidenced and should include financial modelling to "
    "set out options and alternatives as well as details of other expected benefits so "
    "that vigorous challenge can be provided prior to a formal decision being made.\tA "
    "set of guiding principles will be created to inform and support the development of "
    "bespoke business cases, along with clear questions that must be answered within "
    "each business case.\tJune 2017\tA draft set of guiding principles has been developed "
    "based on our own learning – through discussions with officers within the "
    "organisation who have established shared/outsourced services – as a council and "
    "guidance from CIPFA. This has been designed to supplement the existing business "
    "case template that forms part of the Merton Approach to Projects (MAP) internal "
    "project management methodology. This will assist in the development of a business "
    "case for shared services. A toolkit for use by services considering a shared "
    "service arrangement has also been drafted that signposts users to existing "
    "resources and suggests early conversations with specific points of contact across "
    "the business. Officers will refine and finalise these with the outputs of the "
    "activities associated with Recommendation 6 below and present to CMT a complete "
    "pack for sign off later in the summer before presenting them to OSC for discussion.\n"
    "Recommendation 3 That a draft of the business case template is brought to the "
    "Overview and Scrutiny Commission for discussion prior to finalising it.\tThe guiding "
    "principles and questions will be presented to OSC for discussion.\tTBC with Head of "
    "Democratic Services\tThe Assistant Director of Business Improvement will liaise with "
    "the Head of Democratic Services to establish a suitable date for these to be "
    "presented to OSC.\n"
    "\n"
    "Recommendation\tAction Agreed\tTimeline\tUpdate\n"
    "Recommendation 4 That Cabinet should ensure there is support provided to service "
    "managers who are exploring the feasibility of establishing a new shared or "
    "outsourced service so that these managers can draw on learning and expertise that "
    "already exists within the council. This should take the form of an on-line resource "
    "such as a checklist of issues to consider and contact details of officers who can "
    "provide advice and support. The resource should also include guidance on developing "
    "and complying with the standardised business case for the service as set out in "
    "recommendation 2 above.\tA checklist will be developed drawing on the experience of "
    "services that have already transitioned to alternative delivery models.\tAugust "
    "2017\tThis is built into the activity set out against Recommendation 2 above.\n"
    "Recommendation 5 That the Corporate Management Team should ensure that service "
    "managers have a mandatory appraisal objective to familiarise themselves with best "
    "practice elsewhere and consider how best to incorporate this in their service "
    "delivery.\tCMT will continue to deliver the agreed programme of leadership "
    "development over the coming 18 months. The TOM development/refresh process will be "
    "refined for its next iteration to include more direct, dedicated support and "
    "challenge as per response to Recommendation 1 above.\tOngoing to mid 2018 June "
    "2017\tThe programme of leadership development continues to be delivered to managers "
    "across the organisation. The TOM refresh guidance has been refined to include more "
    "direct, dedicated support and challenge as per response to Recommendation 1 above.\n"
    "Recommendation 6 That the Corporate Management Team should ensure that a training "
    "or briefing resource is developed for officers in those corporate teams (such as "
    "HR, IT, finance and facilities) so that they understand the delivery model and "
    "likely support requirements of the council's shared services.\tWork will be "
    "undertaken with representatives from services currently working in shared "
    "arrangements to develop a briefing resource for officers in corporate "
    "teams.\tJuly\tInterviews are being carried out with managers already in shared "
    "services to capture their requirements from support services (HR, Finance, IT, "
    "Facilities) and to determine where this support could be enhanced. This information "
    "will be used in a workshop with representatives from support services to help them "
    "understand how best to support alternative delivery arrangements. It is anticipated "
    "that the workshop will be used to co-create a briefing resource.\n"
    "\n"
    "Recommendation\tAction Agreed\tTimeline\tUpdate\n"
    "Recommendation 7 That the Overview and Scrutiny Commission should invite the Chief "
    "Executive to present a report annually to set out how challenge has been embedded, "
    "what choices have been made by service managers on models of service delivery, what "
    "changes resulted from the challenge process and what options were rejected and "
    "why.\tThe Chief Executive, working with CMT, will respond to the invitation with a "
    "report drawing on the mechanisms set out within this report to provide an overview "
    "of how alternative delivery models are being considered and changes resulting from "
    "this process.\tJuly\tThis update responds to this recommendation.\n"
    "Recommendation 8 That the Overview and Scrutiny Commission (or relevant Panel) "
    "should receive a report on the proposed establishment of large or strategically "
    "important shared or outsourced services at a point in time when there is an "
    "opportunity to have some influence on its development. There should be further "
    "reports to review the operation, performance and budget of the service 15 months "
    "after the start date and when the agreement is due for review.\t\tOngoing\tCMT "
    "continues to discharge this recommendation through the forward plan mechanisms "
    "which highlights to the Commission any significant decisions on service "
    "reconfiguration.\n"
    "\n"
    "4 CONSULTATION UNDERTAKEN OR PROPOSED\n"
    "\n"
    "4.1. The work to develop guiding principles and supporting materials has involves "
    "officers across the organisation with experience of selecting and implementing "
    "alternative delivery models and a number of managers providing key corporate "
    "services.\n"
    "\n"
)


def parse(text: str, **kwargs) -> ParseResult:
    return parse_recommendations(text, **kwargs)


def texts(result: ParseResult) -> list[str]:
    return [rec.text for rec in result.recommendations]


def numbers(result: ParseResult) -> list[int]:
    return [rec.number for rec in result.recommendations]


def all_warnings(result: ParseResult) -> list[str]:
    return result.warnings + [w for rec in result.recommendations for w in rec.warnings]


# --- seed 003: "Recommendation 1 (paragraph 14)", the body after a tab ----------------------

SEED_003_REC_5 = (
    "We recommend that the council's Corporate Management Team use its review of the Target "
    "Operating Model, in particular the corporate layers, to ensure that learning from "
    "existing shared services has been captured and that there is a standardised approach "
    "to modelling proposed new shared services."
)


def test_seed_003_gives_nine_recommendations_with_paragraphs_and_bodies():
    result = parse(SEED_003)

    assert result.shape == "recommendation_paragraph"
    assert numbers(result) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert [rec.paragraph_reference for rec in result.recommendations] == [
        f"paragraph {n}" for n in (14, 22, 29, 49, 50, 53, 54, 62, 63)
    ]
    oss = "Overview and Scrutiny Commission"
    assert [rec.responsible_body for rec in result.recommendations] == [
        oss,
        "Cabinet",
        "Cabinet",
        "Cabinet",
        "Cabinet – delegated to CMT",
        oss,
        oss,
        oss,
        oss,
    ]
    assert all_warnings(result) == []


def test_seed_003_recommendation_5_is_whole_across_the_page_break():
    rec = parse(SEED_003).recommendations[4]

    assert rec.text == SEED_003_REC_5
    assert rec.responsible_body == "Cabinet – delegated to CMT"
    assert "\t" not in rec.text


def test_seed_003_texts_are_the_report_text_without_the_body():
    result = parse(SEED_003)
    first, third, last = (result.recommendations[i] for i in (0, 2, 8))

    assert first.text == (
        "We recommend that the Head of Democracy Services contacts the Chief Executive of "
        "Achieving for Children (a shared service between Richmond and Kingston Councils) to "
        "organise a visit for task group members to scrutinise their delivery model on a date "
        "that is convenient to Achieving for Children"
    )
    # "recommendation 2 above" in the text is not taken for a new recommendation
    assert third.text.endswith("as set out in recommendation 2 above.")
    assert last.text.startswith("We recommend, that due to the cumulative approach")
    assert last.text.endswith("rather than sending each one separately.")
    for rec in result.recommendations:
        assert rec.text.startswith("We recommend")
        assert rec.extra_columns == {}


def test_seed_003_header_and_blank_page_are_ignored():
    result = parse(SEED_003)

    assert result.ignored_lines == [
        "List of task group's recommendations",
        "Responsible decision making body",
        "This page is intentionally left blank",
    ]
    assert "intentionally" not in result.recommendations[-1].text


def test_seed_003_just_the_list_reads_the_same():
    start = SEED_003.index("Recommendation 1 (paragraph 14)")
    end = SEED_003.index("\n\nThis page")
    whole = parse(SEED_003)

    result = parse(SEED_003[start:end])

    assert result.ignored_lines == []
    assert result.recommendations == whole.recommendations


def test_seed_003_with_windows_line_endings_and_non_breaking_spaces():
    pasted = SEED_003.replace("\n", "\r\n").replace("Recommendation 5 ", "Recommendation\u00a05 ")
    pasted = pasted.replace("Cabinet – delegated", "Cabinet\u00a0– delegated")

    result = parse(pasted)

    assert result.recommendations == parse(SEED_003).recommendations


def test_seed_003_with_a_table_header_row_is_still_the_paragraph_shape():
    start = SEED_003.index("Recommendation 1 (paragraph 14)")
    pasted = "Recommendation\tResponsible decision making body\n" + SEED_003[start:]

    result = parse(pasted)

    assert result.shape == "recommendation_paragraph"
    assert numbers(result) == list(range(1, 10))
    assert result.recommendations[4].text == SEED_003_REC_5


def test_paragraph_shape_with_the_text_on_the_heading_line():
    result = parse(
        "Recommendation 1 (paragraph 14): We recommend that the council reviews X.\tCabinet\n"
        "Recommendation 2 (para. 3.2) We recommend that Y is done.\tCouncil\n"
        "Recommendation 3 (Paragraphs 40-42)\tCabinet Member for Finance\n"
        "We recommend that Z is done.\n"
    )

    assert result.shape == "recommendation_paragraph"
    assert [
        (r.number, r.paragraph_reference, r.text, r.responsible_body)
        for r in result.recommendations
    ] == [
        (1, "paragraph 14", "We recommend that the council reviews X.", "Cabinet"),
        (2, "para. 3.2", "We recommend that Y is done.", "Council"),
        (3, "Paragraphs 40-42", "We recommend that Z is done.", "Cabinet Member for Finance"),
    ]


def test_a_long_single_cell_on_the_heading_line_is_text_not_a_body():
    result = parse(
        "Recommendation 1 (paragraph 14)\tWe recommend that the council reviews its parking "
        "policy. It should report back within six months of the review.\n"
    )

    rec = result.recommendations[0]
    assert rec.text.startswith("We recommend that the council reviews")
    assert rec.responsible_body == ""


# --- seed 001: "· Recommendation 1: that ..." -------------------------------------------------


def test_seed_001_gives_three_recommendations():
    result = parse(SEED_001)

    assert result.shape == "recommendation_bullet"
    assert numbers(result) == [1, 2, 3]
    assert texts(result) == [
        "that every decision that the council takes around future shared service arrangements "
        "should be supported by robust feasibility studies, options appraisals and business "
        "case, which have been considered by CSB and had the opportunity to be critically and "
        "constructively challenged by members.",
        "that the council develops a checklist of considerations that any future shared "
        "services agreement process must take account in order to be confident that the shared "
        "service is beneficial to Harrow Council and that any risks identified can be "
        "mitigated. This can build on the checklist suggested by the review group.",
        "that the outstanding information identified by the Review Group following the "
        "Challenge Panel is followed up by O&S as and when appropriate, and as scrutiny work "
        "programme and resources allow.",
    ]
    for rec in result.recommendations:
        assert rec.paragraph_reference == ""
        assert rec.responsible_body == ""
        assert rec.warnings == []


def test_seed_001_lines_around_the_list_are_ignored_with_a_warning_for_those_after_it():
    result = parse(SEED_001)

    assert result.ignored_lines == [
        "The review makes the following recommendations:",
        "Ward Councillors’ comments",
        "Not applicable as report relates to all wards.",
    ]
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("2 lines after the first recommendation were left out")


@pytest.mark.parametrize(
    "line",
    [
        "· Recommendation {n}: that the council acts.",
        "• Recommendation {n}: that the council acts.",
        "- Recommendation {n} - that the council acts.",
        "* Recommendation {n} – that the council acts.",
        "– Recommendation {n}. that the council acts.",
        "\uf0b7\tRecommendation {n}:\tthat the council acts.",
        "Recommendation {n} that the council acts.",
        "RECOMMENDATION {n}: that the council acts.",
        "Recommendation No. {n}: that the council acts.",
        "  Recommendation {n}) that the council acts.",
    ],
)
def test_recommendation_headings_in_their_usual_spellings(line):
    pasted = "\n".join(line.format(n=n) for n in (1, 2, 3))

    result = parse(pasted)

    assert result.shape == "recommendation_bullet"
    assert numbers(result) == [1, 2, 3]
    assert texts(result) == ["that the council acts."] * 3


def test_recommendation_n_that_as_in_seed_002_outside_a_table():
    result = parse(
        "Recommendation 1 That the Corporate Management Team should have a clearer mandate.\n"
        "Recommendation 2 That decision making is strengthened.\n"
    )

    assert result.shape == "recommendation_bullet"
    assert texts(result) == [
        "That the Corporate Management Team should have a clearer mandate.",
        "That decision making is strengthened.",
    ]


def test_a_reference_to_a_recommendation_at_the_start_of_a_wrapped_line_is_not_a_heading():
    result = parse(
        "Recommendation 1: that the council builds on the work set out in\n"
        "Recommendation 2 above, and reports back.\n"
        "Recommendation 2: that the council acts.\n"
    )

    assert numbers(result) == [1, 2]
    assert result.recommendations[0].text == (
        "that the council builds on the work set out in Recommendation 2 above, and reports back."
    )


def test_text_starting_on_the_line_after_the_heading():
    result = parse(
        "Recommendation 1\nThat the council acts\non parking.\n"
        "\nRecommendation 2\nThat it reports.\n"
    )

    assert texts(result) == ["That the council acts on parking.", "That it reports."]


def test_a_tab_after_the_heading_then_the_text():
    result = parse("Recommendation 1\tThat the council acts.\nRecommendation 2\tThat X.\tCabinet\n")

    assert texts(result) == ["That the council acts.", "That X."]
    assert [r.responsible_body for r in result.recommendations] == ["", "Cabinet"]


def test_abbreviated_headings():
    result = parse("Rec 1: that X.\nRec. 2 - that Y.\nREC 3 that Z.")

    assert result.shape == "recommendation_bullet"
    assert texts(result) == ["that X.", "that Y.", "that Z."]


# --- seed 002: the table ----------------------------------------------------------------------


def test_seed_002_table_gives_eight_recommendations():
    result = parse(SEED_002)

    assert result.shape == "table"
    assert numbers(result) == [1, 2, 3, 4, 5, 6, 7, 8]
    for rec in result.recommendations:
        assert rec.text.startswith("That ")
        assert not rec.text.startswith("That That")
        assert list(rec.extra_columns) == ["Action Agreed", "Timeline", "Update"]
        assert rec.warnings == []
    first = result.recommendations[0]
    assert first.text == (
        "That the Corporate Management Team (CMT) should have a more clearly defined mandate "
        "and process to embed challenge on models of service delivery at a senior level within "
        "the organisation. This will ensure that there is more specific challenge to service "
        "managers as well as internal peer review."
    )
    assert first.extra_columns["Action Agreed"].startswith(
        "As part of a planned review the TOM process is to be strengthened so that more direct, "
        "dedicated support – with facilitated sessions where required – to be made available"
    )
    assert first.extra_columns["Update"].endswith(
        "A process for 'make or buy' reviews will be made available and promoted through the "
        "TOM refresh."
    )


def test_seed_002_timelines_and_rec_8s_empty_action():
    result = parse(SEED_002)

    assert [rec.extra_columns["Timeline"] for rec in result.recommendations] == [
        "Late 2017",
        "June 2017",
        "TBC with Head of Democratic Services",
        "August 2017",
        "Ongoing to mid 2018 June 2017",
        "July",
        "July",
        "Ongoing",
    ]
    eighth = result.recommendations[7]
    assert eighth.extra_columns["Action Agreed"] == ""
    assert eighth.extra_columns["Update"] == (
        "CMT continues to discharge this recommendation through the forward plan mechanisms "
        "which highlights to the Commission any significant decisions on service "
        "reconfiguration."
    )
    assert eighth.text.endswith(
        "15 months after the start date and when the agreement is due for review."
    )


def test_seed_002_repeated_headers_are_skipped_and_the_surrounding_text_ignored():
    result = parse(SEED_002)

    assert not any(rec.text.startswith("Recommendation") for rec in result.recommendations)
    assert result.ignored_lines[:2] == [
        "3.1. The table below provides an update on each of the actions within the agreed plan.",
        "Recommendation Action Agreed Timeline Update",
    ]
    assert result.ignored_lines[2] == "4 CONSULTATION UNDERTAKEN OR PROPOSED"
    assert len(result.ignored_lines) == 4
    assert result.warnings == [
        "2 lines after the first recommendation were left out (see the ignored lines): check "
        "that they are not part of a recommendation"
    ]


def test_table_with_a_number_column_a_body_column_and_a_paragraph_column():
    result = parse(
        "No.\tParagraph\tRecommendation\tResponsible decision making body\tResponse\n"
        "1\t14\tThat the council reviews X.\tCabinet\tAccepted\n"
        "2.\t22\tThat the council reviews Y.\tOverview and Scrutiny Commission\t\n"
        "(3)\t\tThat Z.\tCabinet – delegated to CMT\tRejected\n"
    )

    assert result.shape == "table"
    assert numbers(result) == [1, 2, 3]
    assert texts(result) == [
        "That the council reviews X.",
        "That the council reviews Y.",
        "That Z.",
    ]
    assert [r.responsible_body for r in result.recommendations] == [
        "Cabinet",
        "Overview and Scrutiny Commission",
        "Cabinet – delegated to CMT",
    ]
    assert [r.paragraph_reference for r in result.recommendations] == ["14", "22", ""]
    assert [r.extra_columns for r in result.recommendations] == [
        {"Response": "Accepted"},
        {"Response": ""},
        {"Response": "Rejected"},
    ]


@pytest.mark.parametrize("header", ["Decision maker", "Responsible body", "Lead body"])
def test_table_body_column_names(header):
    result = parse(f"Recommendation\t{header}\nRecommendation 1 That X.\tCabinet\n")

    assert result.recommendations[0].responsible_body == "Cabinet"
    assert result.recommendations[0].extra_columns == {}


def test_table_cells_of_several_paragraphs_and_bullets():
    result = parse(
        "Recommendation\tAction Agreed\tTimeline\n"
        "Recommendation 1 That the council:\n"
        "- reviews its parking policy;\n"
        "- reports back.\tFirst step.\n"
        "Second step.\tJune 2017\n"
        "Recommendation 2 That Y.\tNone\tJuly\n"
    )

    assert texts(result) == [
        "That the council:\n- reviews its parking policy;\n- reports back.",
        "That Y.",
    ]
    assert result.recommendations[0].extra_columns == {
        "Action Agreed": "First step. Second step.",
        "Timeline": "June 2017",
    }


def test_table_with_a_reference_column_then_the_text():
    result = parse("Rec\tRecommendation text\tTimeline\n1\tThat X.\tJune\n2\tThat Y.\tJuly\n")

    assert numbers(result) == [1, 2]
    assert texts(result) == ["That X.", "That Y."]
    assert [r.extra_columns for r in result.recommendations] == [
        {"Timeline": "June"},
        {"Timeline": "July"},
    ]


def test_table_extra_columns_keep_the_header_order_when_a_row_is_short():
    result = parse("Recommendation\tAction\tTimeline\tUpdate\nRecommendation 1 That X.\tDo it\n")

    assert list(result.recommendations[0].extra_columns.items()) == [
        ("Action", "Do it"),
        ("Timeline", ""),
        ("Update", ""),
    ]


def test_table_rows_without_numbers_are_numbered_in_order_with_a_warning():
    result = parse("Recommendation\tResponse\nThat X.\tAccepted\nThat Y.\tRejected\n")

    assert numbers(result) == [1, 2]
    assert texts(result) == ["That X.", "That Y."]
    assert result.recommendations[0].warnings == ["No number was written: numbered 1 by position"]
    assert "Some rows had no number: they were numbered by their position" in result.warnings


def test_table_with_windows_line_endings():
    result = parse(SEED_002.replace("\n", "\r\n"))

    assert result.recommendations == parse(SEED_002).recommendations


def test_a_table_ends_at_a_paragraph_without_tabs():
    result = parse(
        "Recommendation\tResponse\n"
        "Recommendation 1 That X.\tNoted\n"
        "\n"
        "Some paragraph after the table.\n"
    )

    assert result.recommendations[0].extra_columns == {"Response": "Noted"}
    assert result.ignored_lines[-1] == "Some paragraph after the table."
    assert len(result.warnings) == 1


# --- plain numbered and lettered lists ------------------------------------------------------


@pytest.mark.parametrize("marker", ["{n}.", "{n})", "({n})", "{n}", "{n}.\t"])
def test_numbered_lists(marker):
    pasted = "Recommendations:\n" + "\n".join(
        f"{marker.format(n=n)} That the council does thing {n}." for n in (1, 2, 3)
    )

    result = parse(pasted)

    assert result.shape == "numbered"
    assert numbers(result) == [1, 2, 3]
    assert texts(result) == [f"That the council does thing {n}." for n in (1, 2, 3)]
    assert result.ignored_lines == ["Recommendations:"]
    assert all_warnings(result) == []


@pytest.mark.parametrize("marker", ["({l})", "{l})", "{l}.", "{L}.", "({L})"])
def test_lettered_lists_are_numbered_1_2_3(marker):
    pasted = "\n".join(
        f"{marker.format(l=letter, L=letter.upper())} That the council does {letter}."
        for letter in "abc"
    )

    result = parse(pasted)

    assert result.shape == "lettered"
    assert numbers(result) == [1, 2, 3]
    assert texts(result) == [
        "That the council does a.",
        "That the council does b.",
        "That the council does c.",
    ]


def test_seed_001_style_lettered_list():
    result = parse(
        "The Overview and Scrutiny Committee is asked to:\n"
        "a) Consider and endorse the report from the Shared Services Scrutiny Review\n"
        "b) Forward the review’s report and recommendations to Cabinet, for consideration and "
        "response.\n"
        "c) In line with Rule 25.1.1 of the Committee Procedure Rules in the Constitution, "
        "suspend Rule 36.5.\n"
    )

    assert result.shape == "lettered"
    assert numbers(result) == [1, 2, 3]
    assert result.recommendations[0].text == (
        "Consider and endorse the report from the Shared Services Scrutiny Review"
    )


def test_a_lettered_list_past_h_reads_i_as_a_letter():
    pasted = "\n".join(f"({letter}) That {letter.upper()}." for letter in "abcdefghij")

    result = parse(pasted)

    assert result.shape == "lettered"
    assert numbers(result) == list(range(1, 11))
    assert result.recommendations[8].text == "That I."


@pytest.mark.parametrize("marker", ["({r})", "{r})", "{r}.", "{R}."])
def test_roman_lists_when_clearly_roman(marker):
    pasted = "\n".join(
        f"{marker.format(r=r, R=r.upper())} That the council does {n}."
        for n, r in enumerate(["i", "ii", "iii", "iv", "v"], start=1)
    )

    result = parse(pasted)

    assert result.shape == "numbered"
    assert numbers(result) == [1, 2, 3, 4, 5]


def test_a_single_i_item_is_a_letter_not_a_roman_numeral():
    result = parse("(i) That the council acts.")

    assert result.shape == "lettered"
    assert numbers(result) == [9]


def test_bare_numbers_only_when_they_count_up():
    result = parse(
        "1 That scrutiny reviews large shared services\n"
        "15 months after their start date.\n"
        "2 That the council acts.\n"
        "7 days later it reports.\n"
        "3 That Cabinet notes the report.\n"
    )

    assert result.shape == "numbered"
    assert texts(result) == [
        "That scrutiny reviews large shared services 15 months after their start date.",
        "That the council acts. 7 days later it reports.",
        "That Cabinet notes the report.",
    ]


def test_numbered_items_behind_bullets_as_in_seed_004():
    result = parse(
        "RECOMMENDATION/S\n\n"
        "- 1) That the Review Group considers what recommendations it wishes to make to Cabinet "
        "arising from its work to date.\n"
        "- 2) That the Review Group considers what further evidence , if any, it requires\n"
    )

    assert result.shape == "numbered"
    assert numbers(result) == [1, 2]
    assert result.recommendations[1].text == (
        "That the Review Group considers what further evidence , if any, it requires"
    )


def test_numbered_list_between_stray_dashes_as_in_seed_000():
    result = parse(
        "Recommendations:\n\n-\n"
        "1. That Cabinet considers the report;\n"
        " 2. That Cabinet agrees to the implementation of the recommendations.\n"
        " 3. That Cabinet decides whether it wishes to formally approve this action plan.\n"
        "-\n\n1 PURPOSE OF REPORT AND EXECUTIVE SUMMARY\n"
    )

    assert numbers(result) == [1, 2, 3]
    assert result.recommendations[2].text == (
        "That Cabinet decides whether it wishes to formally approve this action plan."
    )
    assert "1 PURPOSE OF REPORT AND EXECUTIVE SUMMARY" in result.ignored_lines


# --- items over several lines, paragraphs and sub-lists -------------------------------------


def test_items_running_over_several_lines_are_joined():
    result = parse(
        "1. That the council reviews its\n"
        "   parking   policy, and\n"
        "\tconsults residents.\n"
        "2. That it reports back.\n"
    )

    assert texts(result) == [
        "That the council reviews its parking policy, and consults residents.",
        "That it reports back.",
    ]


def test_paragraphs_inside_an_item():
    result = parse(
        "1. That the council reviews its parking policy.\n"
        "\n"
        "The review should include residents' parking.\n"
        "\n"
        "2. That the council reviews its\n"
        "\n"
        "charging policy (a page break).\n"
    )

    assert texts(result) == [
        "That the council reviews its parking policy.\nThe review should include residents' "
        "parking.",
        "That the council reviews its charging policy (a page break).",
    ]


@pytest.mark.parametrize("bullet", ["-", "•", "·", "*", "–", "\uf0b7", "o\t", "▪"])
def test_bulleted_sub_lists_stay_with_their_item(bullet):
    result = parse(
        "1. That the council:\n"
        f"{bullet} reviews its parking policy;\n"
        f"{bullet} consults residents on\n"
        "  charging; and\n"
        f"\t{bullet} reports back.\n"
        "2. That Cabinet notes the report.\n"
    )

    assert numbers(result) == [1, 2]
    assert result.recommendations[0].text == (
        "That the council:\n"
        "- reviews its parking policy;\n"
        "- consults residents on charging; and\n"
        "- reports back."
    )


def test_text_after_a_sub_list_goes_back_to_the_item():
    result = parse(
        "(a) That the council:\n"
        "• reviews X;\n"
        "• reviews Y.\n"
        "It should report by June.\n"
        "(b) That Cabinet notes the report.\n"
    )

    assert result.recommendations[0].text == (
        "That the council:\n- reviews X;\n- reviews Y.\nIt should report by June."
    )


def test_after_a_bullet_lower_case_carries_it_on_and_a_capital_starts_the_text_again():
    result = parse(
        "1. That the council:\n"
        "- reviews its parking\n"
        "policy\n"
        "- consults residents\n"
        "The review should report by June.\n"
    )

    assert result.recommendations[0].text == (
        "That the council:\n"
        "- reviews its parking policy\n"
        "- consults residents\n"
        "The review should report by June."
    )


def test_numbered_sub_points_inside_a_lettered_list_stay_with_their_item():
    result = parse(
        "(a) That the council:\n"
        "1. reviews X;\n"
        "2. reviews Y;\n"
        "3. reviews Z.\n"
        "(b) That the council reports back.\n"
        "(c) That Cabinet:\n"
        "1. notes the report.\n"
    )

    assert result.shape == "lettered"
    assert numbers(result) == [1, 2, 3]
    assert texts(result) == [
        "That the council:\n- 1. reviews X;\n- 2. reviews Y;\n- 3. reviews Z.",
        "That the council reports back.",
        "That Cabinet:\n- 1. notes the report.",
    ]


def test_lettered_and_roman_sub_points_inside_a_numbered_list():
    result = parse(
        "1. That the council:\n"
        "(a) reviews X;\n"
        "(b) reviews Y.\n"
        "2. That Cabinet:\n"
        "i) notes the report;\n"
        "ii) responds within two months.\n"
    )

    assert result.shape == "numbered"
    assert texts(result) == [
        "That the council:\n- (a) reviews X;\n- (b) reviews Y.",
        "That Cabinet:\n- i) notes the report;\n- ii) responds within two months.",
    ]


def test_roman_sub_points_inside_a_lettered_list():
    result = parse(
        "(a) That the council:\n(i) reviews X;\n(ii) reviews Y.\n(b) That Cabinet acts.\n"
    )

    assert result.shape == "lettered"
    assert texts(result) == [
        "That the council:\n- (i) reviews X;\n- (ii) reviews Y.",
        "That Cabinet acts.",
    ]


def test_sub_lists_inside_recommendation_headings():
    result = parse(
        "Recommendation 1: that the council\n"
        "• reviews X; and\n"
        "• reviews Y.\n"
        "Recommendation 2: that Cabinet acts.\n"
    )

    assert texts(result) == [
        "that the council\n- reviews X; and\n- reviews Y.",
        "that Cabinet acts.",
    ]


def test_a_body_after_a_tab_in_a_numbered_list():
    result = parse("1.\tThat X.\tCabinet\n2.\tThat Y.\t\n")

    assert texts(result) == ["That X.", "That Y."]
    assert [r.responsible_body for r in result.recommendations] == ["Cabinet", ""]


def test_a_stray_tab_inside_a_sentence_is_not_a_body():
    result = parse("1. We recommend\tthat the council acts.\n2. That Z.\tCabinet\n")

    assert texts(result) == ["We recommend that the council acts.", "That Z."]
    assert [r.responsible_body for r in result.recommendations] == ["", "Cabinet"]


def test_a_paragraph_after_the_last_item_that_does_not_carry_it_on_is_left_out():
    result = parse(
        "1. That X.\n2. That Y runs on\n\nover the page.\n\nFinancial Implications\nNone.\n"
    )

    assert texts(result) == ["That X.", "That Y runs on over the page."]
    assert result.ignored_lines == ["Financial Implications", "None."]
    assert len(result.warnings) == 1 and "2 lines" in result.warnings[0]


# --- known bodies ---------------------------------------------------------------------------

KNOWN = ["Cabinet", "Overview and Scrutiny Commission", "Council", "Commission"]


def test_known_body_written_after_the_text_without_a_tab():
    result = parse(
        "1. That the council reviews X as set out in the report. Cabinet\n"
        "2. That scrutiny reviews Y.\nOverview and Scrutiny Commission\n"
        "3. That Z is referred to Cabinet\n",
        known_bodies=KNOWN,
    )

    assert [(r.text, r.responsible_body) for r in result.recommendations] == [
        ("That the council reviews X as set out in the report.", "Cabinet"),
        ("That scrutiny reviews Y.", "Overview and Scrutiny Commission"),
        ("That Z is referred to Cabinet", ""),
    ]


def test_known_body_on_its_own_line_after_a_paragraph_break():
    result = parse("1. That X.\n\nCabinet\n2. That Y.", known_bodies=KNOWN)

    assert result.recommendations[0].text == "That X."
    assert result.recommendations[0].responsible_body == "Cabinet"


def test_no_guessing_without_known_bodies():
    result = parse("1. That the council reviews X as set out in the report. Cabinet\n")

    assert result.recommendations[0].text == (
        "That the council reviews X as set out in the report. Cabinet"
    )
    assert result.recommendations[0].responsible_body == ""


def test_a_single_known_body_given_as_a_string():
    result = parse("1. That X is done. Cabinet", known_bodies="Cabinet")

    assert result.recommendations[0].responsible_body == "Cabinet"


def test_known_bodies_must_match_exactly():
    result = parse(
        "1. That X is done. cabinet\n2. That Y is done. The Cabinet Office\n",
        known_bodies=["Cabinet"],
    )

    assert [r.responsible_body for r in result.recommendations] == ["", ""]


def test_a_body_after_a_tab_is_kept_even_when_unknown():
    result = parse(
        "Recommendation 1 (paragraph 3)\t\nWe recommend X. Cabinet\tHealth Scrutiny Panel\n",
        known_bodies=KNOWN,
    )

    rec = result.recommendations[0]
    assert rec.text == "We recommend X. Cabinet"
    assert rec.responsible_body == "Health Scrutiny Panel"


def test_known_bodies_with_the_seed_003_text_pasted_without_tabs():
    pasted = SEED_003.replace("\t", " ")

    result = parse(pasted, known_bodies=["Cabinet", "Overview and Scrutiny Commission"])

    bodies = [rec.responsible_body for rec in result.recommendations]
    assert bodies[1:4] == ["Cabinet", "Cabinet", "Cabinet"]
    assert bodies[8] == "Overview and Scrutiny Commission"
    # rec 1 ends "... Achieving for Children Overview and Scrutiny Commission": no full stop
    assert bodies[0] == ""


def test_known_bodies_of_odd_kinds_are_tolerated():
    result = parse("1. That X. Cabinet", known_bodies=["", "  ", None, 3, "Cabinet"])

    assert result.recommendations[0].responsible_body == "Cabinet"


# --- warnings -------------------------------------------------------------------------------


def test_warning_for_a_gap_in_the_numbering():
    result = parse("1. That A.\n2. That B.\n3. That C.\n5. That E.\n")

    assert numbers(result) == [1, 2, 3, 5]
    assert result.recommendations[3].warnings == ["Numbering jumps from 3 to 5"]


def test_warning_for_a_duplicate_number():
    result = parse("1. That A.\n2. That B.\n3. That C.\n3. That D.\n4. That E.\n")

    assert numbers(result) == [1, 2, 3, 3, 4]
    assert result.warnings == ["Duplicate number 3"]
    assert result.recommendations[3].warnings == ["Duplicate number 3"]
    assert result.recommendations[4].warnings == []


def test_warnings_for_numbering_going_back_and_not_starting_at_one():
    result = parse(
        "Recommendation 4: that A.\nRecommendation 6: that B.\nRecommendation 5: that C."
    )

    assert [r.warnings for r in result.recommendations] == [
        ["Numbering starts at 4, not 1"],
        ["Numbering jumps from 4 to 6"],
        ["Numbering goes back from 6 to 5"],
    ]


def test_lettered_warnings_use_letters():
    result = parse("(a) That A.\n(b) That B.\n(d) That D.\n")

    assert result.recommendations[2].warnings == ["Numbering jumps from b to d"]


def test_warning_for_empty_text():
    result = parse("1.\n2. That B.\nRecommendations follow.")

    assert result.recommendations[0].text == ""
    assert result.recommendations[0].warnings == ["Text is empty"]


def test_a_very_long_item_is_parsed_with_a_warning():
    long_text = "That " + "the council reviews its policies " * 400
    result = parse(f"1. {long_text}\n2. That B.")

    first = result.recommendations[0]
    assert len(first.text) > LONG_TEXT_CHARS
    assert first.text == long_text.strip()
    assert len(first.warnings) == 1
    assert first.warnings[0].startswith("Text is very long")
    assert result.recommendations[1].warnings == []


# --- text that is not a list, and hostile text ----------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\n\t \r\n", "\u00a0\u200b\ufeff"])
def test_nothing_pasted(text):
    result = parse(text)

    assert result.shape == "unrecognised"
    assert result.recommendations == []
    assert result.ignored_lines == []
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("No recommendations were recognised")


def test_prose_is_unrecognised_and_returned_as_ignored_lines():
    result = parse("The task group met four times.\n\nIt heard from officers.")

    assert result.shape == "unrecognised"
    assert result.recommendations == []
    assert result.ignored_lines == ["The task group met four times.", "It heard from officers."]
    assert result.warnings[0].startswith("No recommendations were recognised")


def test_binary_junk_does_not_break_it():
    junk = "".join(chr(i) for i in range(0, 0x250)) * 3 + "\x00\x00\ud800\udfff\x1b[31m"

    result = parse(junk)

    assert isinstance(result, ParseResult)
    assert result.shape in SHAPES
    assert INTERNAL_ERROR not in result.warnings
    assert all("\x00" not in line for line in result.ignored_lines)
    for line in result.ignored_lines + texts(result):
        line.encode("utf-8")  # a lone surrogate would fail here, and on saving


def test_a_lone_surrogate_is_replaced():
    result = parse("1. That X\ud800 is done.")

    assert texts(result) == ["That X? is done."]


def test_non_text_input_does_not_raise():
    for value in (None, b"1. That X.\n2. That Y.", 12, ["1. That X."]):
        result = parse_recommendations(value)
        assert isinstance(result, ParseResult)
        assert INTERNAL_ERROR not in result.warnings
    assert texts(parse_recommendations(b"1. That X.\n2. That Y.")) == ["That X.", "That Y."]


def test_html_and_script_are_kept_literally_as_text():
    result = parse(
        "1. That <script>alert('x')</script> is shown as text.\n"
        '2. That <b>bold</b> &amp; <a href="javascript:x()">links</a> stay as typed.\n'
    )

    assert texts(result) == [
        "That <script>alert('x')</script> is shown as text.",
        'That <b>bold</b> &amp; <a href="javascript:x()">links</a> stay as typed.',
    ]


def test_welsh_and_emoji():
    result = parse(
        "Argymhelliad 1 – nid yw hwn yn bennawd\n"
        "1. Bod y Cyngor yn adolygu'r polisi ŵ ŷ Ŵ Ŷ.\tCabinet\n"
        "2. That the council celebrates 🎉 and 👍🏽 and 🏴󠁧󠁢󠁷󠁬󠁳󠁿.\n"
    )

    assert numbers(result) == [1, 2]
    assert texts(result) == [
        "Bod y Cyngor yn adolygu'r polisi ŵ ŷ Ŵ Ŷ.",
        "That the council celebrates 🎉 and 👍🏽 and 🏴󠁧󠁢󠁷󠁬󠁳󠁿.",
    ]
    assert result.recommendations[0].responsible_body == "Cabinet"
    assert result.ignored_lines == ["Argymhelliad 1 – nid yw hwn yn bennawd"]


def test_one_megabyte_is_refused_quickly():
    text = ("1. That the council reviews its parking policy.\n" * 25_000)[:1_000_000]

    started = time.process_time()
    result = parse(text)
    elapsed = time.process_time() - started

    assert elapsed < 1.0  # CPU seconds, so a busy machine does not fail it
    assert result.shape == "unrecognised"
    assert result.recommendations == []
    assert len(result.warnings) == 1
    assert "too long" in result.warnings[0]


@pytest.mark.parametrize(
    "text",
    [
        "1. That the council reviews item {i}\n   and more.\n",
        "Recommendation {i} (paragraph {i})\t\nWe recommend X.\tCabinet\n",
        "{i}\tThat X.\tCabinet\n",
        "(a) That:\n- x\n- y\n",
    ],
)
def test_the_largest_paste_is_parsed_quickly(text):
    pasted = "No.\tRecommendation\tBody\n" if text.startswith("{i}") else ""
    i = 0
    while len(pasted) < MAX_PASTE_CHARS - 200:
        i += 1
        pasted += text.format(i=i % 900 + 1)

    started = time.process_time()
    result = parse(pasted)
    elapsed = time.process_time() - started

    assert result.shape != "unrecognised"
    # CPU seconds, not wall-clock: typically a tenth of that; a runaway regex takes minutes
    assert elapsed < 3.0


@pytest.mark.parametrize(
    "text",
    [
        "Recommendation 1" + " \t" * 90_000,
        "1." + " " * 190_000 + "x",
        "(" * 190_000,
        "1 " * 90_000,
        "Recommendation 1 (paragraph " + "1" * 190_000,
        "Recommendation\tA\tB\n" + ("\t" * 1_000 + "x\n") * 150,
        "1. That\n" + "\n" * 190_000,
        "1. That\n" + "- a\n" * 45_000,
        "a." * 90_000,
        "This page is intentionally left blank\n" * 5_000,
    ],
)
def test_pathological_text_is_parsed_quickly(text):
    started = time.process_time()
    result = parse(text)
    elapsed = time.process_time() - started

    assert isinstance(result, ParseResult)
    assert INTERNAL_ERROR not in result.warnings
    assert elapsed < 3.0  # CPU seconds


def test_ignored_lines_are_capped():
    result = parse("Just a line of prose.\n" * 5_000)

    assert result.shape == "unrecognised"
    assert len(result.ignored_lines) == 1_000
    assert any("4,000 more lines" in w for w in result.warnings)


def test_the_dataclasses_defaults():
    rec = ParsedRecommendation(number=1, text="That X.")

    assert rec.paragraph_reference == ""
    assert rec.responsible_body == ""
    assert rec.extra_columns == {}
    assert rec.warnings == []
    assert rec.extra_columns is not ParsedRecommendation(number=2, text="").extra_columns


# --- properties -----------------------------------------------------------------------------


def check_result(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    assert result.shape in SHAPES
    assert INTERNAL_ERROR not in result.warnings
    assert all(isinstance(w, str) for w in result.warnings)
    assert all(isinstance(line, str) for line in result.ignored_lines)
    if result.shape == "unrecognised":
        assert result.recommendations == []
        assert result.warnings
    else:
        assert result.recommendations
    for rec in result.recommendations:
        assert isinstance(rec, ParsedRecommendation)
        assert isinstance(rec.number, int)
        assert isinstance(rec.text, str)
        assert isinstance(rec.paragraph_reference, str)
        assert isinstance(rec.responsible_body, str)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in rec.extra_columns.items())
        assert all(isinstance(w, str) for w in rec.warnings)
        assert "\t" not in rec.text and "\r" not in rec.text
        assert rec.text == rec.text.strip()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_result(text):
    check_result(parse(text))


LIST_ALPHABET = st.sampled_from(
    [*"1234567890.()abivxABIV \t\n\r-•·–:;", "Recommendation ", "(paragraph 4)", "That ", "\u00a0"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(LIST_ALPHABET, max_size=80).map("".join),
    st.lists(st.sampled_from(["Cabinet", "Council", "", "a", "Overview and Scrutiny"]), max_size=3),
)
def test_list_like_text_gives_a_result(text, known_bodies):
    check_result(parse(text, known_bodies=known_bodies))


SENTENCE = st.from_regex(r"That [a-z][a-z ,]{0,40}[a-z]\.", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(SENTENCE, min_size=1, max_size=12),
    st.sampled_from(["{n}. ", "{n}) ", "({n}) ", "Recommendation {n}: ", "· Recommendation {n} "]),
    st.sampled_from(["\n", "\r\n", "\n\n"]),
)
def test_a_written_list_reads_back(sentences, marker, newline):
    pasted = newline.join(marker.format(n=n) + s for n, s in enumerate(sentences, start=1))

    result = parse(pasted)

    assert numbers(result) == list(range(1, len(sentences) + 1))
    assert texts(result) == [" ".join(s.split()) for s in sentences]
    assert all_warnings(result) == []
