"""The committee documents' tags, read back with pikepdf: what a screen reader follows.

Every marked-content sequence on every page is reachable from the structure tree or is an
artifact; the running headers and footers, and the table's header row repeated on each
page, are pagination artifacts; each table is one ``Table`` with one header row whose cells
carry ``Scope``; a heading comes before the table; and the ``pdfua`` checker, as a second
opinion, finds nothing it can check wrong (recommendations/documents/tagging.py)."""

import io
import re

import pikepdf
import pytest
from pdfua import validate
from pypdf import PdfReader

from recommendations.documents import render
from reviews.models import Review
from tests.test_documents import documents_settings, pdf_of  # noqa: F401 (an autouse fixture)

SHOW_TEXT = {"Tj", "TJ", "'", '"'}
PLAN_HEADER = [
    "Recommendation",
    "Executive response",
    "Action agreed",
    "Timeline",
    "Action owner",
    "Update",
    "Status",
]


@pytest.fixture
def merton_plan(client, demo, councillor_user) -> bytes:
    """The Merton 2016 action plan as at 6 July 2017: five pages, the table over four."""
    client.force_login(councillor_user)
    review = Review.objects.get(title="Shared and outsourced services in Merton")
    return pdf_of(
        client,
        f"/documents/reviews/{review.pk}/action-plan.pdf?as_at=2017-07-06&appendix=Appendix+1",
    )


@pytest.fixture
def tracker(client, demo, councillor_user) -> bytes:
    """Every open recommendation of the demonstration council, review by review."""
    client.force_login(councillor_user)
    return pdf_of(client, "/documents/recommendations.pdf")


# --- reading the structure back -----------------------------------------------------------


def kids(node) -> list:
    k = node.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def elements(pdf: pikepdf.Pdf) -> list:
    """Every structure element the tree reaches, in reading order."""
    found, stack = [], list(reversed(kids(pdf.Root.StructTreeRoot)))
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            stack.extend(reversed(kids(node)))
    return found


def reached(pdf: pikepdf.Pdf) -> dict[tuple[int, int], object]:
    """(page index, MCID) of each marked content the tree reaches, with its element."""
    pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
    found = {}
    for element in elements(pdf):
        for kid in kids(element):
            if isinstance(kid, int):
                found[pages[element.Pg.objgen], kid] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found[pages[kid.get("/Pg", element.get("/Pg")).objgen], int(kid.MCID)] = element
    return found


def sequences(pdf: pikepdf.Pdf) -> list[tuple[int, str, object, bool]]:
    """Each marked-content sequence opened on each page: (page index, tag, properties,
    whether it is inside an artifact)."""
    found = []
    for n, page in enumerate(pdf.pages):
        stack: list[bool] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            operator = str(operator)
            if operator in ("BDC", "BMC"):
                tag = str(operands[0])
                properties = operands[1] if operator == "BDC" else None
                found.append((n, tag, properties, any(stack)))
                stack.append(tag == "/Artifact")
            elif operator == "EMC":
                stack.pop()
        assert not stack, f"page {n + 1}: unbalanced marked content"
    return found


def text_where(pdf_bytes: bytes, keep) -> list[str]:
    """The text of each page drawn inside marked content for which ``keep(tag,
    properties)`` is true (text-showing operators elsewhere are left out)."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            kept, stack = [], []
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(instruction.operator)
                if operator in ("BDC", "BMC"):
                    operands = instruction.operands
                    stack.append(keep(str(operands[0]), operands[1] if len(operands) > 1 else None))
                elif operator == "EMC":
                    stack.pop()
                elif operator in SHOW_TEXT and not any(stack):
                    continue
                kept.append(instruction)
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        output = io.BytesIO()
        pdf.save(output)
    return [page.extract_text() for page in PdfReader(output).pages]


def is_pagination(tag, properties) -> bool:
    return (
        tag == "/Artifact" and properties is not None and properties.get("/Type") == "/Pagination"
    )


def is_tagged(tag, properties) -> bool:
    return tag != "/Artifact" and properties is not None and "/MCID" in properties


def flat(text: str) -> str:
    return " ".join(text.split())


def tables(pdf: pikepdf.Pdf) -> list:
    return [e for e in elements(pdf) if e.S == "/Table"]


def cells(element, role: str) -> list:
    return [
        cell
        for group in kids(element)
        if isinstance(group, pikepdf.Dictionary)
        for row in (kids(group) if group.get("/S") in ("/THead", "/TBody", "/TFoot") else [])
        for cell in kids(row)
        if cell.get("/S") == role
    ]


def plan_table(pdf: pikepdf.Pdf):
    (table,) = [t for t in tables(pdf) if len(cells(t, "/TH")) >= len(PLAN_HEADER)]
    return table


# --- the tests ------------------------------------------------------------------------------


def assert_every_marked_content_is_reachable(pdf_bytes: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) >= 3
        tree = reached(pdf)
        marked = {}
        for page, tag, properties, in_artifact in sequences(pdf):
            if properties is not None and "/MCID" in properties:
                assert not in_artifact and tag != "/Artifact", (page, tag)
                marked[page, int(properties.MCID)] = tag
        assert marked, "no tagged content at all"
        # Every marked content on every page is reached from the StructTreeRoot, and the
        # tree reaches nothing that is not on a page.
        assert set(marked) == set(tree), set(marked) ^ set(tree)
        # The ParentTree gives each page's marked content back its element.
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        parent_tree = dict(zip(nums[::2], nums[1::2], strict=True))
        for (page, mcid), element in tree.items():
            entries = parent_tree[int(pdf.pages[page].obj.StructParents)]
            assert entries[mcid].objgen == element.objgen, (page, mcid)
        # Every element's parent is the element that holds it.
        for element in elements(pdf):
            for kid in kids(element):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    assert kid.P.objgen == element.objgen


def test_every_marked_content_is_reachable_from_the_structure_tree(merton_plan, tracker):
    assert_every_marked_content_is_reachable(merton_plan)
    assert_every_marked_content_is_reachable(tracker)


def test_running_headers_footers_and_repeated_header_rows_are_artifacts(merton_plan):
    pages = len(PdfReader(io.BytesIO(merton_plan)).pages)
    artifacts = [flat(t) for t in text_where(merton_plan, is_pagination)]
    tagged = [flat(t) for t in text_where(merton_plan, is_tagged)]
    for number, (artifact, text) in enumerate(zip(artifacts, tagged, strict=True), start=1):
        # The footer and the page number: artifacts on every page; the running header on
        # every page but the cover, which has none.
        assert f"Page {number} of {pages}" in artifact
        assert "Position as at 6 July 2017" in artifact
        if number > 1:
            assert "Appendix 1: Shared and outsourced services in Merton" in artifact
        else:
            assert "Appendix 1: Shared" not in artifact
        assert f"Page {number} of" not in text
        # The table's header row: tagged on its first page, an artifact on the others.
        header = " ".join(PLAN_HEADER[:5])
        if number == 2:
            assert header in text and header not in artifact
        elif number > 2:
            assert header in artifact and header not in text
    # "Recommendation N (continued)" at the top of a page a recommendation runs on to is
    # pagination too.
    assert any("Recommendation 1 (continued)" in a for a in artifacts)
    assert not any("(continued)" in t for t in tagged)
    # Nothing else is an artifact: the recommendations and the updates are all tagged.
    whole = " ".join(tagged)
    for n in range(1, 9):
        assert f"Recommendation {n} (2016/17 R{n})" in whole
    assert "TBC with Head of Democratic Services" in whole


def test_one_table_with_one_header_row_and_scope_on_its_header_cells(merton_plan, tracker):
    for document, blocks in ((merton_plan, 8), (tracker, None)):
        with pikepdf.open(io.BytesIO(document)) as pdf:
            # One Table for each table in the HTML (front matter, summary and key, plan).
            assert len(tables(pdf)) == 3
            table = plan_table(pdf)
            roles = [str(kid.S) for kid in kids(table)]
            assert roles[0] == "/Caption" and roles.count("/Caption") == 1
            assert roles[1] == "/THead" and roles.count("/THead") == 1
            assert set(roles[2:]) == {"/TBody"}
            if blocks:
                assert roles.count("/TBody") == blocks  # each recommendation's rows
            (head,) = [kid for kid in kids(table) if kid.S == "/THead"]
            (row,) = kids(head)
            assert len(kids(row)) == len(PLAN_HEADER)
            # The table runs over several pages, its rows too.
            pages = {e.Pg.objgen for e in elements_under(table)}
            assert len(pages) >= 3
            # Scope on every header cell: columns in the header row, rows elsewhere (the
            # front matter's labels, the tracker's review headings).
            identifiers = set()
            for element in elements(pdf):
                if element.S == "/TH":
                    attributes = element.A
                    assert attributes.O == "/Table"
                    assert attributes.Scope in ("/Column", "/Row")
                    if "/ID" in element:
                        identifiers.add(bytes(element.ID))
            for th in kids(row):
                assert th.A.Scope == "/Column"
            # Each data cell names header cells that are in the tree (the header row's,
            # not its repeats), and the IDTree lists them.
            id_tree = pdf.Root.StructTreeRoot.IDTree.Names
            assert {bytes(n) for n in list(id_tree)[::2]} == identifiers
            column_ids = {bytes(th.ID) for th in kids(row)}
            for td in cells(table, "/TD"):
                named = {bytes(n) for n in td.A.Headers}
                assert named & column_ids and named <= identifiers


def text_of(element, pdf: pikepdf.Pdf) -> str:
    """The text of the marked content under ``element`` (in one page's stream)."""
    mcids = {
        kid for e in [element, *elements_under(element)] for kid in kids(e) if isinstance(kid, int)
    }
    (page,) = {e.Pg.objgen for e in elements_under(element)}
    (index,) = [n for n, p in enumerate(pdf.pages) if p.objgen == page]
    output = io.BytesIO()
    pdf.save(output)
    texts = text_where(
        output.getvalue(), lambda tag, props: props is not None and props.get("/MCID") in mcids
    )
    return texts[index]


def elements_under(element) -> list:
    found, stack = [], list(kids(element))
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            stack.extend(kids(node))
    return found


def test_the_tracker_heads_each_review_with_a_row_header(tracker):
    with pikepdf.open(io.BytesIO(tracker)) as pdf:
        row_headers = [th for th in cells(plan_table(pdf), "/TH") if th.A.Scope == "/Row"]
        assert len(row_headers) >= 2
        assert all(th.A.ColSpan == len(PLAN_HEADER) for th in row_headers)
        assert_two_sections(pdf)


def assert_two_sections(pdf: pikepdf.Pdf) -> None:
    """The cover (with the summary of progress and the status key), then the table's section
    (one, however many pages it runs over) with the heading and the table, in that order."""
    (document,) = kids(pdf.Root.StructTreeRoot)
    assert [str(part.S) for part in kids(document)] == ["/Sect", "/Sect"]
    plan = kids(document)[1]
    assert [str(part.S) for part in kids(plan)] == ["/H2", "/Table"]
    assert kids(plan)[1].objgen == plan_table(pdf).objgen


def test_a_heading_comes_before_the_table_and_is_in_the_bookmarks(merton_plan):
    with pikepdf.open(io.BytesIO(merton_plan)) as pdf:
        table = plan_table(pdf)
        siblings = kids(table.P)
        position = next(i for i, e in enumerate(siblings) if e.objgen == table.objgen)
        assert position > 0 and siblings[position - 1].S == "/H2"
        assert flat(text_of(siblings[position - 1], pdf)) == "EXECUTIVE RESPONSE AND ACTION PLAN"
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root[0].children]
        assert titles[-1] == "Executive response and action plan"
        assert_two_sections(pdf)
        # No heading is empty (pdfua's own check of this cannot run: see below).
        for element in elements(pdf):
            if element.S in ("/H1", "/H2"):
                assert elements_under(element)


def test_the_document_has_its_language_title_and_tagged_flag(merton_plan):
    with pikepdf.open(io.BytesIO(merton_plan)) as pdf:
        assert pdf.Root.Lang == "en-GB"
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title).startswith(
            "Appendix 1: Shared and outsourced services in Merton"
        )
        assert b"pdfuaid:part" in pdf.Root.Metadata.read_bytes()


def test_pdfua_finds_nothing_it_can_check(merton_plan, tracker, tmp_path):
    """The pdfua checker (0.1.3: 16 of the 106 PDF/UA-1 rules) as a second opinion."""
    # Rules it skips, and why (a skip is a rule that did not run, not a pass):
    expected_skips = {
        # UA-14-001 (no empty headings) raises on every /K that is an array: pdfua's
        # as_integer() asks getattr(kid, "is_integer", False), and pikepdf 10 answers that
        # on an Array with ValueError, not AttributeError. Not something our PDF does
        # wrong; test_a_heading_comes_before_the_table_and_is_in_the_bookmarks checks it.
        "UA-14-001",
    }
    for name, document in (("plan", merton_plan), ("tracker", tracker)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(document)
        report = validate(str(path))
        # No finding at any severity (info included) from the rules that ran.
        assert [(f.rule_id, f.severity.name, f.message) for f in report.findings] == [], name
        assert report.exit_code == 0, name
        assert {
            o.rule_id: "is_integer" in o.skipped_reason for o in report.skipped
        } == dict.fromkeys(expected_skips, True), [
            (o.rule_id, o.skipped_reason) for o in report.skipped
        ]


def test_weasyprint_alone_leaves_what_retagging_puts_right():
    """What WeasyPrint alone writes (so the tests above would fail without tagging.py)."""
    import weasyprint

    html = (
        "<html lang='en-GB'><title>T</title><style>@page { @bottom-right { content: "
        "'Page ' counter(page) } } thead { display: table-header-group }</style><body><table>"
        "<caption>C</caption><thead><tr><th scope=col>H</th></tr></thead>"
        + "".join(f"<tr><td>Row {n}</td></tr>" for n in range(200))
        + "</table></body></html>"
    )
    document = weasyprint.HTML(string=html).render()
    plain = document.write_pdf(pdf_variant=render.PDF_VARIANT)
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        assert len(pdf.pages) >= 3
        assert len(tables(pdf)) == len(pdf.pages)  # one Table per page
        marked = {
            (page, int(properties.MCID))
            for page, _, properties, _ in sequences(pdf)
            if properties is not None and "/MCID" in properties
        }
        assert marked - set(reached(pdf))  # the page numbers: unreachable
    fixed = render.html_to_pdf(html).pdf
    assert_every_marked_content_is_reachable(fixed)
    with pikepdf.open(io.BytesIO(fixed)) as pdf:
        (table,) = tables(pdf)
        assert len(cells(table, "/TD")) == 200 and len(cells(table, "/TH")) == 1


def test_a_row_split_over_pages_is_one_row_with_one_cell_each():
    """A row too long for a page runs over several; its cells, and a cell spanning the
    block's rows, are each one cell in the tree, with their text in order."""
    long = " ".join(f"w{i:04d}" for i in range(1500))
    blocks = "".join(
        f"<tbody><tr><td rowspan=2>Rec {n}</td><td>Action {n}a</td>"
        f"<td>{long if n == 3 else f'Update {n}a'}</td></tr>"
        f"<tr><td>Action {n}b</td><td>Update {n}b</td></tr></tbody>"
        for n in range(1, 12)
    )
    html = (
        "<html lang='en-GB'><title>Split</title><style>@page { size: A5; @bottom-right { "
        "content: 'Page ' counter(page) } } thead { display: table-header-group } "
        "tbody, tr { break-inside: auto }</style><body><h1>Split</h1><table><caption>C</caption>"
        "<thead><tr><th scope=col>Rec</th><th scope=col>Action</th><th scope=col>Update</th>"
        f"</tr></thead>{blocks}</table><p>After the table</p></body></html>"
    )
    rendered = render.html_to_pdf(html)
    assert rendered.pages >= 4
    assert_every_marked_content_is_reachable(rendered.pdf)
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        (table,) = tables(pdf)
        bodies = [kid for kid in kids(table) if kid.S == "/TBody"]
        assert [len(kids(body)) for body in bodies] == [2] * 11
        assert [len(kids(row)) for body in bodies for row in kids(body)] == [3, 2] * 11
        (split,) = [
            c for c in cells(table, "/TD") if len({e.Pg.objgen for e in elements_under(c)}) > 1
        ]
        pages = [e.Pg.objgen for e in elements_under(split)]
        assert len(set(pages)) >= 3
    tagged = re.findall(r"w\d{4}", " ".join(text_where(rendered.pdf, is_tagged)))
    assert tagged == [f"w{i:04d}" for i in range(1500)]


def test_a_page_whose_stream_is_not_as_weasyprint_writes_it_is_parsed_instead(monkeypatch):
    """The quick rewrite of the artifacts (a regular expression on the stream's bytes)
    only runs on a page where it finds exactly the marked content WeasyPrint wrote; on
    any other, the stream is parsed operator by operator, with the same result."""
    from recommendations.documents import tagging

    html = (
        "<html lang='en-GB'><title>T</title><style>@page { @bottom-right { content: "
        "'Page ' counter(page) } } thead { display: table-header-group }</style><body><table>"
        "<thead><tr><th>H</th></tr></thead>"
        + "".join(f"<tr><td>Row {n}</td></tr>" for n in range(150))
        + "</table></body></html>"
    )
    monkeypatch.setattr(tagging, "_MARKED", re.compile(rb"(never)(matches)"))
    parsed = render.html_to_pdf(html).pdf
    assert_every_marked_content_is_reachable(parsed)
    texts = text_where(parsed, is_pagination)
    assert len(texts) >= 3
    assert set(texts[0].split()) == {"Page", "1"}  # the header row is tagged on page 1
    for number, text in enumerate(texts[1:], start=2):
        assert set(text.split()) == {"H", "Page", str(number)}  # and repeated after


def test_a_failure_to_retag_keeps_weasyprints_tags_and_is_logged(monkeypatch, caplog):
    from recommendations.documents import tagging

    def broken(pdf, cells):
        raise pikepdf.PdfError("a structure tree of a shape never seen")

    monkeypatch.setattr(tagging, "retag", broken)
    html = "<html lang='en-GB'><title>T</title><body><p>Text</p></body></html>"
    with caplog.at_level("ERROR", logger="recommendations.documents.render"):
        rendered = render.html_to_pdf(html)
    assert rendered.pdf.startswith(b"%PDF") and rendered.pages == 1
    assert "WeasyPrint's are kept" in caplog.text
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
