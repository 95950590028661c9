"""A committee document as a Word document (``.docx``, with python-docx), for a clerk to drop
into the council's own report template.

It says what the PDF says, from the same content (``content.build_content``): the front matter
on a portrait A4 section, then the table and the status key on a landscape A4 section. What
a clerk's template needs to restyle it is there:

- headings in Word's built-in styles ("Title", "Heading 1", "Heading 2"), body text in
  "Normal", table text in "Table Text" (a style of its own, based on "Normal"), every one in
  Arial; lists typed in the text as Word lists ("List Bullet", "List Number");
- real Word tables ("Table Grid") whose first row is a header row repeated on every page
  (``w:tblHeader``), each with its alternative text (``w:tblCaption``); a row that fits on a
  page is not split (``w:cantSplit``), and a recommendation's rows are kept together;
- "Page X of Y" and the position in the footer, the running title in the header of the
  table's pages;
- the document properties: title, subject, author (the council), language (en-GB).

Statuses are the council's words (the key), with the reason for a pause, as in the PDF.

The table iterates a list of :class:`Column`: the columns the PDF prints (``pdf.html``), or the
ones the content names (``content["columns"]``, keys of :data:`COLUMNS`).
"""

import datetime
import hashlib
import importlib.metadata
import io
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

from django.conf import settings
from django.utils.html import escape
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from recommendations.statuses import TAG_PRINT_COLOURS

from .key import Prepared
from .models import DocumentFormat
from .pdfs import cached_entry, cached_pdf, documents_cache, make_pdf

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CACHE_PREFIX = "document-docx:"
# Bump when a change to this module changes the documents it makes.
RENDERER_VERSION = "1"
# How long a Word document takes beside the PDF of the same document (bench/word.py: the
# Merton plan 0.08 s of CPU against 0.92 s, 100 recommendations 0.37 s against 5.6 s), for
# the background task's estimate.
SHARE_OF_PDF_TIME = 0.1

FONT = "Arial"
TABLE_TEXT = "Table Text"
BLACK = RGBColor(0x0B, 0x0C, 0x0C)
META = RGBColor(0x38, 0x3F, 0x43)
OVERDUE = RGBColor(0x94, 0x25, 0x14)
HEADER_FILL = "DEDEDE"
REVIEW_FILL = "F3F2F1"
# A4, with the margins of pdf.css.
PORTRAIT = {"width": Mm(210), "height": Mm(297), "margins": (20, 20, 18, 20)}
LANDSCAPE = {"width": Mm(297), "height": Mm(210), "margins": (20, 12, 17, 12)}


# --- typed text: paragraphs, line breaks and lists ------------------------------------------


@dataclass
class Piece:
    """A paragraph of typed text: its lines, and the list it is an item of ("bullet" or
    "number", with the list's number so each numbered list starts at 1)."""

    lines: list[str]
    list_kind: str = ""
    list_id: int = 0


_BULLET = re.compile("^\\s*[-*\u2022\u00b7\u2013\u2014]\\s+(?=\\S)")  # - * • · and dashes
_NUMBER = re.compile(r"^\s*\(?\d{1,2}[.)]\s+(?=\S)")


class _Html(HTMLParser):
    """The little HTML the content carries (``text.paragraphs``: ``<p>`` and ``<br>``; lists
    as ``<ul>``/``<ol>`` and ``<li>``) back into :class:`Piece` s."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[Piece] = []
        self.lists: list[tuple[str, int]] = []
        self.current: Piece | None = None
        self.count = 0

    def _open(self) -> Piece:
        if self.current is None:
            kind, number = self.lists[-1] if self.lists else ("", 0)
            self.current = Piece([""], kind, number)
            self.pieces.append(self.current)
        return self.current

    def _close(self):
        self.current = None

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "div", "li"):
            self._close()
        elif tag in ("ul", "ol"):
            self._close()
            self.count += 1
            self.lists.append(("bullet" if tag == "ul" else "number", self.count))
        elif tag == "br":
            self._open().lines.append("")

    def handle_endtag(self, tag):
        if tag in ("p", "div", "li"):
            self._close()
        elif tag in ("ul", "ol") and self.lists:
            self._close()
            self.lists.pop()

    def handle_data(self, data):
        if not data.strip() and self.current is None:
            return
        piece = self._open()
        piece.lines[-1] += data


def _typed_lists(pieces: list[Piece], first_id: int) -> list[Piece]:
    """Lines typed as a list ("- ", "• ", "1. ", "2) "), two or more together, become list
    items; the other lines stay as they were."""
    out: list[Piece] = []
    list_id = first_id
    for piece in pieces:
        if piece.list_kind:
            out.append(piece)
            continue
        kinds = [
            "bullet" if _BULLET.match(line) else "number" if _NUMBER.match(line) else ""
            for line in piece.lines
        ]
        plain: list[str] = []
        i = 0
        while i < len(kinds):
            j = i
            while j < len(kinds) and kinds[j] and kinds[j] == kinds[i]:
                j += 1
            if j - i >= 2:
                if plain:
                    out.append(Piece(plain))
                    plain = []
                list_id += 1
                pattern = _BULLET if kinds[i] == "bullet" else _NUMBER
                for line in piece.lines[i:j]:
                    out.append(Piece([pattern.sub("", line, count=1)], kinds[i], list_id))
                i = j
            else:
                plain.append(piece.lines[i])
                i += 1
        if plain:
            out.append(Piece(plain))
    return out


def text_pieces(html: str) -> list[Piece]:
    """The paragraphs, line breaks and lists of the content's HTML text."""
    if not html:
        return []
    parser = _Html()
    parser.feed(str(html))
    parser.close()
    pieces = [
        Piece([unescape(line).strip() for line in p.lines], p.list_kind, p.list_id)
        for p in parser.pieces
    ]
    pieces = [p for p in pieces if any(p.lines)]
    return _typed_lists(pieces, parser.count)


# --- the document's columns -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the table: its heading, its share of the table's width, whether it has one
    cell for the recommendation's rows (merged down) or one per row, and what it writes."""

    key: str
    heading: str
    width: float
    per_recommendation: bool
    write: Callable  # (writer, cell, block, row) -> None


# --- writing --------------------------------------------------------------------------------


def _set(element, tag: str, **attributes) -> None:
    """Add ``tag`` to ``element`` with the ``w:`` attributes given."""
    child = OxmlElement(tag)
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), str(value))
    element.append(child)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    _set(tc_pr, "w:shd", val="clear", color="auto", fill=fill)


def _row_properties(row, *, header: bool = False, cant_split: bool = True) -> None:
    """``w:cantSplit`` (the row is not split across pages) and ``w:tblHeader`` (a header row,
    repeated at the top of each page), in the schema's order."""
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        _set(tr_pr, "w:cantSplit")
    if header:
        _set(tr_pr, "w:tblHeader")


def _table_properties(table, caption: str, description: str = "") -> None:
    """Fixed layout, the header row and first column as the table style's look, and the
    table's alternative text (title and description, read out by screen readers)."""
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        tbl_pr.remove(look)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    _set(
        tbl_pr,
        "w:tblLook",
        val="0420",
        firstRow=1,
        lastRow=0,
        firstColumn=0,
        lastColumn=0,
        noHBand=1,
        noVBand=1,
    )
    _set(tbl_pr, "w:tblCaption", val=caption[:255])
    if description:
        _set(tbl_pr, "w:tblDescription", val=description[:1000])


def _grid(table, widths) -> None:
    """The widths of the table's columns (its grid, which a fixed layout follows)."""
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = width


def _property(text: str) -> str:
    """A document property: at most 255 characters (the file format's limit)."""
    return text if len(text) <= 255 else text[:254].rstrip() + "\u2026"


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A field Word works out (``PAGE``, ``NUMPAGES``)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _fonts(r_pr) -> None:
    """Arial for every script (no theme fonts, which a template would swap), and British
    English for the proofing tools."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for script in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{script}"), FONT)


class _Writer:
    """Writes one document: styles, front matter, table, key, headers and footers."""

    def __init__(self, content: dict):
        self.content = content
        self.document = Document()
        self.styles: dict[str, object] = {}
        self._style_setup()

    # styles

    def _style_setup(self) -> None:
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _fonts(r_pr)
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        for attribute in ("val", "eastAsia", "bidi"):
            lang.set(qn(f"w:{attribute}"), "en-GB")
        theme_lang = self.document.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:  # the template's is American
            theme_lang.set(qn("w:val"), "en-GB")
        for name, size, bold in (
            ("Normal", 10, False),
            ("Title", 16, True),
            ("Heading 1", 12, True),
            ("Heading 2", 11, True),
            ("Header", 9, False),
            ("Footer", 9, False),
            ("List Bullet", 10, False),
            ("List Number", 10, False),
        ):
            style = styles[name]
            font = style.font
            font.name = FONT
            _fonts(style.element.get_or_add_rPr())
            font.size = Pt(size)
            font.bold = bold
            font.italic = False
            font.color.rgb = BLACK
            self.styles[name] = style
        title = styles["Title"].element.get_or_add_pPr()
        for border in title.findall(qn("w:pBdr")):  # the template's rule under the title
            title.remove(border)
        styles["Title"].paragraph_format.space_after = Pt(6)
        for name in ("Heading 1", "Heading 2"):
            styles[name].paragraph_format.space_before = Pt(12)
            styles[name].paragraph_format.space_after = Pt(4)
        styles["Normal"].paragraph_format.space_after = Pt(4)
        table_text = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = styles["Normal"]
        table_text.font.name = FONT
        table_text.font.size = Pt(10)
        table_text.paragraph_format.space_after = Pt(3)
        table_text.quick_style = True
        self.styles[TABLE_TEXT] = table_text
        self.styles["Table Grid"] = styles["Table Grid"]

    def style(self, name: str):
        return self.styles[name]

    # paragraphs

    def _paragraph(self, container, style: str):
        """The container's first paragraph if nothing is written in it yet (a new cell has
        one), else a new one; in ``style``. (The style's id is set directly: python-docx's
        ``paragraph.style`` reads every style of the document each time, two thirds of the
        time a tracker took.)"""
        paragraphs = container.paragraphs
        if (
            len(paragraphs) == 1
            and not paragraphs[0].runs
            and not getattr(container, "_written", False)
        ):
            paragraph = paragraphs[0]
        else:
            paragraph = container.add_paragraph()
        container._written = True
        paragraph._p.style = None if style == "Normal" else self.style(style).style_id
        return paragraph

    def para(
        self,
        container,
        text: str = "",
        *,
        style: str = TABLE_TEXT,
        bold: bool = False,
        italic: bool = False,
        colour: RGBColor | None = None,
        keep: bool = False,
    ):
        paragraph = self._paragraph(container, style)
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
            if colour is not None:
                run.font.color.rgb = colour
        if keep:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def meta(self, container, text: str):
        return self.para(container, text, colour=META)

    def _restarted_numbering(self) -> int:
        """A new numbering (``w:num``) of the "List Number" style's list that starts at 1,
        for a numbered list of its own (a bulleted list needs none: its style gives it)."""
        numbering = self.document.part.numbering_part.numbering_definitions._numbering
        style_num = self.style("List Number").element.pPr.numPr.numId.val
        abstract = next(n.abstractNumId.val for n in numbering.num_lst if n.numId == style_num)
        num = numbering.add_num(abstract)
        override = num.add_lvlOverride(ilvl=0)
        _set(override, "w:startOverride", val=1)
        return num.numId

    def text(self, container, html: str, *, style: str = TABLE_TEXT) -> None:
        """Typed text (the content's HTML): paragraphs, line breaks and lists."""
        numberings: dict[int, int] = {}  # a numbered list of the text: its numbering
        for piece in text_pieces(html):
            if piece.list_kind == "bullet":
                paragraph = self.para(container, style="List Bullet")
            elif piece.list_kind == "number":
                paragraph = self.para(container, style="List Number")
                if piece.list_id not in numberings:
                    numberings[piece.list_id] = self._restarted_numbering()
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = numberings[piece.list_id]
            else:
                paragraph = self.para(container, style=style)
            run = paragraph.add_run()
            for n, line in enumerate(piece.lines):
                if n:
                    run.add_break()
                run.add_text(line)

    def status(self, container, status: dict):
        """A status as a tag: its words (the council's key), in bold, on its colour."""
        paragraph = self.para(container)
        run = paragraph.add_run(status["label"])
        run.bold = True
        fill, ink = TAG_PRINT_COLOURS.get(status["colour"], TAG_PRINT_COLOURS["grey"])
        run.font.color.rgb = RGBColor.from_string(ink)
        _set(run._r.get_or_add_rPr(), "w:shd", val="clear", color="auto", fill=fill)
        return paragraph

    # sections

    def _page(self, section, page: dict) -> None:
        section.page_width, section.page_height = page["width"], page["height"]
        top, right, bottom, left = page["margins"]
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        section.header_distance = section.footer_distance = Mm(9)

    def _text_width(self, section):
        return section.page_width - section.left_margin - section.right_margin

    def _two_sided(self, paragraph, section, left: str, right=None) -> None:
        """Text at the left margin, and at the right margin ``right`` (text, or a function
        that writes it)."""
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            self._text_width(section), WD_TAB_ALIGNMENT.RIGHT
        )
        paragraph.add_run(left + "\t")
        if callable(right):
            right(paragraph)
        elif right:
            paragraph.add_run(right)

    def _footer(self, section) -> None:
        """The position, and "Page X of Y" at the right margin of the section's pages."""
        section.footer.is_linked_to_previous = False
        paragraph = section.footer.paragraphs[0]
        paragraph.style = self.style("Footer")

        def page_numbers(p):
            p.add_run("Page ")
            _field(p, "PAGE", "1")
            p.add_run(" of ")
            _field(p, "NUMPAGES", "1")

        self._two_sided(paragraph, section, self.content["position_text"], page_numbers)

    def _running_header(self, section) -> None:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.style = self.style("Header")
        self._two_sided(paragraph, section, self.content["running_title"], self.content["council"])

    # the document

    def write(self) -> bytes:
        document = self.document
        cover = document.sections[0]
        self._page(cover, PORTRAIT)
        cover.orientation = WD_ORIENT.PORTRAIT
        self._footer(cover)
        self._cover()

        plan = document.add_section(WD_SECTION.NEW_PAGE)
        plan.orientation = WD_ORIENT.LANDSCAPE
        self._page(plan, LANDSCAPE)
        self._running_header(plan)
        self._footer(plan)
        self._plan(plan)
        self._properties()
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def _properties(self) -> None:
        content = self.content
        properties = self.document.core_properties
        properties.title = _property(content["title"])
        properties.subject = _property(content["subject"])
        properties.author = _property(content["council"])
        properties.last_modified_by = _property(content["council"])
        properties.language = content["lang"]
        properties.keywords = "scrutiny, recommendations, action plan"
        properties.comments = _property(content["purpose"])
        properties.category = "Committee document"
        properties.revision = 1
        created = datetime.datetime.fromisoformat(content["created"]).replace(tzinfo=None)
        properties.created = properties.modified = created
        package = self.document.part.package
        for r_id, relationship in list(package.rels.items()):
            if relationship.reltype == RT.THUMBNAIL:  # python-docx's template's picture
                package.rels.pop(r_id)

    def _numbered(self, number: str, text: str, *, keep: bool = False):
        """A numbered paragraph of the report ("1.1  This document sets out ...")."""
        paragraph = self.para(self.document, style="Normal", keep=keep)
        paragraph.paragraph_format.left_indent = Mm(12)
        paragraph.paragraph_format.first_line_indent = Mm(-12)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(12))
        paragraph.add_run(f"{number}\t{text}")
        return paragraph

    def _cover(self) -> None:
        content = self.content
        document = self.document
        if content["appendix"]:
            self.para(document, content["appendix"], style="Normal", bold=True).runs[
                0
            ].font.size = Pt(12)
        self.para(document, content["council"], style="Normal", bold=True).runs[0].font.size = Pt(
            14
        )
        self.para(document, content["subject"], style="Title")
        self.para(document, content["position_text"], style="Normal", bold=True)

        front = document.add_table(rows=0, cols=2)
        front.style = self.style("Table Grid")
        _table_properties(
            front, "Report details", "The committee, date, subject and officers of the report."
        )
        widths = (Mm(50), Mm(120))
        _grid(front, widths)
        for label, value in content["front"]:
            cells = self._row(front)
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
            self.para(cells[0], f"{label}:", style="Normal", bold=True)
            self.para(cells[1], value, style="Normal")

        self.para(document, "1\tPurpose", style="Heading 1")
        self._numbered("1.1", content["purpose"])

        # The summary of progress is the status key too (as in the PDF): every status of the
        # council's key, its colour and meaning, and how many recommendations have it.
        self.para(document, "2\tSummary of progress and status key", style="Heading 1")
        caption = f"Recommendations by status, as at {content['position']}"
        self.para(document, caption, style="Normal", italic=True, keep=True)
        table = document.add_table(rows=1, cols=3)
        table.style = self.style("Table Grid")
        _table_properties(table, caption, "Each status in words, its colour and meaning.")
        widths = (Mm(50), Mm(85), Mm(35))
        self._header_row(table, ["Status", "Meaning", "Recommendations"], widths)
        for status in content["summary"]:
            cells = self._row(table)
            paragraph = self.status(cells[0], status)
            paragraph.add_run(f" ({status['colour_words']})")
            self.para(cells[1], status["meaning"])
            self.para(cells[2], str(status["count"]))
        cells = self._row(table)
        self.para(cells[0], "Total", bold=True)
        self.para(cells[2], str(content["summary_total"]), bold=True)
        statuses = (
            "Statuses are always given in words as well as colour. “Overdue” marks an action "
            "whose target date has passed without it being achieved."
        )
        if not content["summary_total"]:
            statuses += " There are no recommendations to report."
        self._numbered("2.1", statuses)

        self.para(document, "3\tBackground", style="Heading 1")
        for n, paragraph in enumerate(content["background"], start=1):
            self._numbered(f"3.{n}", paragraph)

    @staticmethod
    def _row(table, *, cant_split: bool = True):
        """A new row of ``table`` (not split across pages unless told): its cells."""
        row = table.add_row()
        _row_properties(row, cant_split=cant_split)
        return row.cells

    def _header_row(self, table, headings: list[str], widths) -> None:
        """The table's first row: its column headings, a header row repeated on each page;
        and the widths of its columns."""
        _grid(table, widths)
        row = table.rows[0]
        _row_properties(row, header=True)
        for cell, heading, width in zip(row.cells, headings, widths, strict=True):
            cell.width = width
            _shade(cell, HEADER_FILL)
            self.para(cell, heading, bold=True)

    def _plan(self, section) -> None:
        content = self.content
        document = self.document
        kind = "Executive response and action plan"
        if content["is_tracker"]:
            kind = "Recommendations tracker"
        caption = f"{kind}: position as at {content['position']}"
        self.para(document, caption, style="Heading 1", keep=True)
        if not content["blocks"]:
            when = f" as at {content['position']}" if content["as_at"] else ""
            self.para(document, f"There are no recommendations to report{when}.", style="Normal")
            return
        columns = plan_columns(content)
        total = self._text_width(section)
        widths = [int(total * c.width) for c in columns]
        table = document.add_table(rows=1, cols=len(columns))
        table.style = self.style("Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        _table_properties(
            table,
            caption,
            "One recommendation a block of rows: "
            + ", ".join(c.heading.lower() for c in columns)
            + ".",
        )
        self._header_row(table, [c.heading for c in columns], widths)

        for block in content["blocks"]:
            if block.review_heading:
                cell = self._spanning_row(table, len(columns), total)
                _shade(cell, REVIEW_FILL)
                self.para(cell, f"Review: {block.review_heading}", bold=True, keep=True)
            rows = []
            for n, plan_row in enumerate(block.rows):
                cells = self._row(table, cant_split=not block.long)
                rows.append(cells)
                for column, cell, width in zip(columns, cells, widths, strict=True):
                    cell.width = width
                    if column.per_recommendation:
                        _set(
                            cell._tc.get_or_add_tcPr(),
                            "w:vMerge",
                            **({"val": "restart"} if n == 0 else {}),
                        )
                        if n:
                            continue
                    column.write(self, cell, block, plan_row)
            if not block.long:
                # Keep a recommendation's rows on one page: each row with the next.
                for cells in rows[:-1]:
                    for cell in cells:
                        for paragraph in cell.paragraphs:
                            paragraph.paragraph_format.keep_with_next = True

    def _spanning_row(self, table, span: int, width):
        """A row of one cell across the table's ``span`` columns (a review's heading)."""
        cells = self._row(table)
        first = cells[0]
        for cell in cells[1:]:
            cell._tc.getparent().remove(cell._tc)
        first.width = width
        if span > 1:
            first._tc.get_or_add_tcPr().grid_span = span
        return first


# --- the columns' cells (as pdf.html and pdf_row.html print them) ---------------------------


def _recommendation(w: _Writer, cell, block, row) -> None:
    paragraph = w.para(cell, f"Recommendation {block.number}", bold=True)
    if block.reference:
        paragraph.add_run(f" ({block.reference})")
    w.text(cell, block.text)
    if block.paragraph_reference:
        w.meta(cell, f"Report: {block.paragraph_reference}")
    if block.responsible_body:
        w.meta(cell, f"Responsible body: {block.responsible_body}")


def _response(w: _Writer, cell, block, row) -> None:
    w.para(cell, block.decision, bold=True)
    w.text(cell, block.response_text)
    if block.response_when:
        w.meta(cell, block.response_when)


def _action(w: _Writer, cell, block, row) -> None:
    if row.action_number:
        status = f": {row.action_status.lower()}" if row.action_status else ""
        w.meta(cell, f"Action {row.action_number}{status}")
    w.text(cell, row.action)
    if row.status_reason:
        w.meta(cell, row.status_reason)


def _timeline(w: _Writer, cell, block, row) -> None:
    if row.timeline:
        w.para(cell, row.timeline)
    if row.target:
        w.meta(cell, row.target)
    if row.revision:
        w.meta(cell, row.revision)
    if row.overdue:
        w.para(cell, "Overdue", bold=True, colour=OVERDUE)
    if not row.timeline and not row.target:
        w.meta(cell, "Not set")


def _lead(w: _Writer, cell, block, row) -> None:
    w.para(cell, row.lead_officer or "Not recorded")


def _updates(w: _Writer, cell, block, row) -> None:
    for update in row.updates:
        paragraph = w.para(cell)
        if update.is_new:
            paragraph.add_run("NEW").bold = True
            paragraph.add_run(" ")
        author = f", {update.author}" if update.author else ""
        paragraph.add_run(f"{update.date}{author}").bold = True
        w.text(cell, update.text)
    if row.update_note:
        w.meta(cell, row.update_note)
    if row.previous:
        w.para(cell, f"Previous update, {row.previous.date}", italic=True)
        w.text(cell, row.previous.text)


def _status(w: _Writer, cell, block, row) -> None:
    w.status(cell, block.status)
    if block.status_reason:
        w.meta(cell, f"Reason: {block.status_reason}")
    if block.overdue:
        w.para(cell, "Action overdue", bold=True, colour=OVERDUE)


# The columns the PDF prints today, with its widths (pdf.css).
COLUMNS = {
    c.key: c
    for c in (
        Column("recommendation", "Recommendation", 0.195, True, _recommendation),
        Column("response", "Executive response", 0.085, True, _response),
        Column("action", "Action agreed", 0.21, False, _action),
        Column("timeline", "Timeline", 0.09, False, _timeline),
        Column("owner", "Action owner", 0.085, False, _lead),
        Column("update", "Update", 0.235, False, _updates),
        Column("status", "Status", 0.10, True, _status),
    )
}


def _plain_writer(column) -> Callable:
    """Writes a column this module has no writer of its own for: the document's plain text of
    it (``table.Column.text``), as paragraphs and lists."""

    def write(w: _Writer, cell, block, row) -> None:
        text = column.text(block, None if column.per_recommendation else row)
        w.text(cell, escape(text).replace("\n", "<br>"))

    return write


def plan_columns(content: dict) -> list[Column]:
    """The table's columns, as the document chose them (``content["columns"]``: the printed
    columns of ``table.printed_columns``, with their headings and widths); each written by this
    module's own writer where it has one, else as the column's plain text. Without a choice,
    the PDF's default columns."""
    printed = content.get("columns") or ()
    if not printed:
        columns = list(COLUMNS.values())
        total = sum(c.width for c in columns)
        updates = "Updates" if content.get("since_meeting") else "Update"
        return [
            replace(
                column,
                width=column.width / total,
                heading=updates if column.key == "update" else column.heading,
            )
            for column in columns
        ]
    return [
        Column(
            chosen.key,
            chosen.heading,
            chosen.percent / 100,
            chosen.column.per_recommendation,
            COLUMNS[chosen.key].write if chosen.key in COLUMNS else _plain_writer(chosen.column),
        )
        for chosen in printed
    ]


def document_docx(content: dict) -> bytes:
    """The Word document of ``content`` (``content.build_content``)."""
    return _Writer(content).write()


# --- made and cached, as the PDF is ---------------------------------------------------------


@lru_cache(maxsize=1)
def _python_docx_version() -> str:
    return importlib.metadata.version("python-docx")


def renderer_description() -> str:
    """What writes the Word document, with the versions that change its bytes: part of the
    document's content key (``key.RENDERERS``)."""
    return f"python-docx {_python_docx_version()}; word {RENDERER_VERSION}"


@dataclass
class MadeDocx:
    """A Word document made for a content key, as kept in the cache."""

    key: str
    docx: bytes
    filename: str
    title: str
    position: datetime.date
    sha256: str
    pages: int = 0  # Word lays out the pages: not known here

    content_type = CONTENT_TYPE

    @property
    def size(self) -> int:
        return len(self.docx)


def cached_docx(key: str) -> MadeDocx | None:
    """The Word document made earlier for content key ``key`` (see ``pdfs.cached_entry``)."""
    return cached_entry(
        CACHE_PREFIX, key, lambda value: MadeDocx(key=key, **value), lambda made: made.docx
    )


def docx_filename(filename: str) -> str:
    stem = filename[: -len(".pdf")] if filename.endswith(".pdf") else filename
    return f"{stem}.docx"


def make_docx(prepared: Prepared) -> MadeDocx:
    """Write the prepared document as Word now and keep it in the cache under its key."""
    started = time.process_time()
    content = dict(prepared.content)
    content["created"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = document_docx(content)
    made = MadeDocx(
        key=prepared.key,
        docx=data,
        filename=docx_filename(prepared.filename),
        title=prepared.title,
        position=prepared.spec.position_date,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    value = {k: v for k, v in made.__dict__.items() if k != "key"}
    documents_cache().set(
        CACHE_PREFIX + prepared.key, value, timeout=settings.DOCUMENTS_CACHE_SECONDS
    )
    logger.info(
        "Made %s: %d bytes, %.2f s of CPU",
        made.filename,
        made.size,
        time.process_time() - started,
    )
    return made


# --- each format's maker --------------------------------------------------------------------


def cached_in_format(prepared: Prepared):
    """The document made earlier for ``prepared`` in its format (a :class:`~.pdfs.MadePdf` or
    a :class:`MadeDocx`), if the cache still has it."""
    if prepared.output == DocumentFormat.DOCX:
        return cached_docx(prepared.key)
    return cached_pdf(prepared.key)


def make_in_format(prepared: Prepared):
    """Make the prepared document now in its format, and keep it in the cache."""
    if prepared.output == DocumentFormat.DOCX:
        return make_docx(prepared)
    return make_pdf(prepared)
