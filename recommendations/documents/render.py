"""From a document's content to PDF bytes, with WeasyPrint.

- The PDF is tagged, in WeasyPrint's PDF/UA-1 variant: a structure tree (headings,
  paragraphs, tables whose header cells are marked as headers), the language (en-GB) and
  the title in the metadata, every font embedded. Its tags are then put right with pikepdf
  (``tagging.py``): running headers and footers as artifacts, one table with one header
  row however many pages it runs over, ``Scope`` on header cells.
- Nothing is fetched from the network: the stylesheet is part of the template, and the only
  URLs WeasyPrint may open are ``data:`` URLs made here.
- A character that no installed font can draw (a new emoji, say) would be drawn as the
  ``.notdef`` glyph, which PDF/UA forbids and which breaks text extraction. Such characters
  are given a glyph of their own, an outlined box, in a small font made on the fly
  (:func:`fallback_font`), so the text stays literal in the PDF.
- Padding to an even number of pages (agenda packs print double-sided) adds a page saying
  "This page is intentionally left blank" when the document would otherwise end on an odd
  page; that needs a second layout, only then.
"""

import base64
import glob
import io
import logging
import os
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string

from . import tagging

logger = logging.getLogger(__name__)

TEMPLATE = "documents/pdf.html"
PDF_VARIANT = "pdf/ua-1"
# The version of what is done to WeasyPrint's PDF after it is written (``tagging.retag``).
# Part of every document's content key (``key.py``): bump it when that step changes the bytes.
POSTPROCESS_VERSION = "tagging-2"
FALLBACK_FAMILY = "Document Fallback"

# Characters every system we run on can draw with Liberation Sans or DejaVu Sans (Latin,
# Latin-1, Latin Extended-A and -B: Welsh ŵ and ŷ among them; general punctuation).
_SAFE_RANGES = ((0x0000, 0x024F), (0x2000, 0x206F), (0x20AC, 0x20AC))
_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    os.path.expanduser("~/.local/share/fonts"),
    os.path.expanduser("~/.fonts"),
)
_coverage_lock = threading.Lock()


@dataclass
class RenderedPdf:
    pdf: bytes
    pages: int
    weasyprint_cpu: float = 0.0  # seconds of CPU WeasyPrint took (layout and writing)
    tagging_cpu: float = 0.0  # seconds of CPU putting its tags right (tagging.retag)


def _is_safe(code: int) -> bool:
    return any(low <= code <= high for low, high in _SAFE_RANGES)


def _needs_no_glyph(char: str) -> bool:
    """Format characters, variation selectors and joiners are not drawn."""
    category = unicodedata.category(char)
    code = ord(char)
    return (
        category in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
    )


@lru_cache(maxsize=1)
def _installed_coverage() -> frozenset[int]:
    """Every code point some installed font can draw (read once per process, about 0.3 s,
    and only when a document has a character outside the common ranges)."""
    from fontTools.ttLib import TTCollection, TTFont

    covered: set[int] = set()
    with _coverage_lock:
        for folder in _FONT_DIRS:
            for path in glob.glob(os.path.join(folder, "**", "*"), recursive=True):
                lower = path.lower()
                try:
                    if lower.endswith((".ttf", ".otf")):
                        fonts = [TTFont(path, lazy=True)]
                    elif lower.endswith((".ttc", ".otc")):
                        fonts = list(TTCollection(path, lazy=True).fonts)
                    else:
                        continue
                    for font in fonts:
                        covered.update(font.getBestCmap() or {})
                except Exception:  # a broken font file: skip it as fontconfig would
                    continue
    return frozenset(covered)


def characters_without_glyph(html: str) -> list[int]:
    """Code points in ``html`` that no installed font can draw."""
    candidates = {c for c in set(html) if not _is_safe(ord(c)) and not _needs_no_glyph(c)}
    if not candidates:
        return []
    covered = _installed_coverage()
    return sorted(ord(c) for c in candidates if ord(c) not in covered)


def fallback_font(code_points: list[int]) -> bytes:
    """A TrueType font with an outlined box for each of ``code_points``: one glyph per code
    point, so the PDF's ToUnicode map gives each character back literally."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = {code: f"u{code:04X}" for code in code_points}

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((80, 0))
        pen.lineTo((80, 700))
        pen.lineTo((620, 700))
        pen.lineTo((620, 0))
        pen.closePath()
        pen.moveTo((140, 60))
        pen.lineTo((560, 60))
        pen.lineTo((560, 640))
        pen.lineTo((140, 640))
        pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", *names.values()])
    builder.setupCharacterMap(dict(names))
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), **{n: box() for n in names.values()}})
    builder.setupHorizontalMetrics(
        {".notdef": (700, 0), **dict.fromkeys(names.values(), (700, 80))}
    )
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": FALLBACK_FAMILY, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()


def _no_network():
    """WeasyPrint's URL fetcher: ``data:`` URLs only (the fallback font). Documents never
    reach out to the network or the file system."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def document_html(content: dict, *, pad_page: bool = False) -> str:
    """The HTML WeasyPrint lays out. Characters no font can draw get the fallback font."""
    html = render_to_string(TEMPLATE, {**content, "pad_page": pad_page})
    missing = characters_without_glyph(html)
    if missing:
        data = base64.b64encode(fallback_font(missing)).decode("ascii")
        face = (
            f'<style>@font-face {{ font-family: "{FALLBACK_FAMILY}"; '
            f"src: url(data:font/ttf;base64,{data}); }}</style>"
        )
        html = html.replace("<!-- fallback-font -->", face, 1)
    return html


def html_to_pdf(html: str, *, pad_to_even: bool = False, padded_html=None) -> RenderedPdf:
    """Lay out and write ``html``. With ``pad_to_even``, a document ending on an odd page is
    laid out again from ``padded_html()`` (the same with the blank page at the end)."""
    import weasyprint

    started = time.process_time()
    document = weasyprint.HTML(string=html, url_fetcher=_no_network()).render()
    if pad_to_even and len(document.pages) % 2 and padded_html is not None:
        html = padded_html()
        started = time.process_time()  # the first layout was only to count the pages
        document = weasyprint.HTML(string=html, url_fetcher=_no_network()).render()
    # Uncompressed: tagging.retag writes the PDF again, compressed (cheaper than
    # WeasyPrint compressing every stream and pikepdf reading them back).
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=True)
    weasyprint_cpu = time.process_time() - started
    started = time.process_time()
    try:
        pdf = tagging.retag(pdf, tagging.table_cells(document))
    except Exception:  # the document still goes out, with WeasyPrint's own tags
        logger.exception("Could not put the PDF's tags right: WeasyPrint's are kept")
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedPdf(
        pdf=pdf,
        pages=len(document.pages),
        weasyprint_cpu=weasyprint_cpu,
        tagging_cpu=time.process_time() - started,
    )
