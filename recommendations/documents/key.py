"""The content key of a committee document: the SHA-256 of what is rendered.

A made document is kept in the cache under its key, served with the key as its ETag, and the
background task making it is found by it. The key is a digest of exactly what the renderer is
given and of the renderer itself:

- the document's HTML, as ``render.document_html`` gives it (and, for a document padded to an
  even number of pages, the padded HTML too), with its file name;
- the output format (``pdf``) and what turns the HTML into it: WeasyPrint's version, the PDF
  variant, the version of any post-processing step (``render.POSTPROCESS_VERSION``);
- ``FORMAT_VERSION``, for a change to our own code that changes the output without changing
  the HTML.

So two documents with the same key are the same input to the same renderer, whichever database
and whichever process made them: a restored backup beside a surviving cache, or two instances
sharing a cache folder, can no longer be served each other's document. The HTML already holds
everything shown (records, names, the council's status words, the options, the stylesheet);
only its creation time is left out, put in when it is rendered.

Building the content and the HTML takes milliseconds beside WeasyPrint's layout (bench/pdf.py
prints both), and a cached download needs no more queries than the content itself.
"""

import datetime
import hashlib
import importlib.metadata
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import QuerySet

from . import render
from .content import build_content
from .spec import DocumentSpec, Selection

# Bump when a change to our code changes the documents made from the same HTML.
FORMAT_VERSION = "2"

# Stands for the creation time in the hashed HTML (``dcterms.created``, which WeasyPrint writes
# as the PDF's creation date): the time is put in when the document is rendered.
CREATED_MARK = "document-created-at"


@lru_cache(maxsize=1)
def weasyprint_version() -> str:
    return importlib.metadata.version("weasyprint")  # without importing it


def _pdf_renderer() -> str:
    return (
        f"weasyprint {weasyprint_version()}; {render.PDF_VARIANT}; "
        f"post-processing {render.POSTPROCESS_VERSION}"
    )


# What makes each output format from the HTML, with the versions that change its bytes. Another
# format (a Word document, say) adds its own entry.
def _docx_renderer() -> str:
    from .word import renderer_description  # the Word writer reads the cache of this module

    return renderer_description()


RENDERERS = {"pdf": _pdf_renderer, "docx": _docx_renderer}


def content_hash(parts: list[str], *, output: str = "pdf") -> str:
    """The SHA-256 of ``parts`` (the HTML and anything else rendered) for ``output``, with the
    renderer and the format version. Each part is length-prefixed, so no two lists of parts
    give the same bytes to hash."""
    digest = hashlib.sha256()
    for part in (f"scrutiny document {FORMAT_VERSION}", output, RENDERERS[output](), *parts):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass
class Prepared:
    """A document ready to render: its HTML, its key, and its size in recommendations, rows of
    actions and updates (to decide where to make it and how long it will take)."""

    spec: DocumentSpec
    key: str
    html: str
    padded_html: str | None
    filename: str
    title: str
    recommendations: int
    actions: int
    updates: int
    output: str = "pdf"
    # The content the HTML was made from (the Word writer reads it rather than the HTML).
    content: dict | None = field(default=None, repr=False, compare=False)

    def html_to_render(self, *, padded: bool = False) -> str:
        """The HTML with its creation time (the hashed HTML has a mark in its place)."""
        html = self.padded_html if padded else self.html
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        # As an attribute value, quoted: typed text cannot hold it (its quotes are escaped).
        return html.replace(f'content="{CREATED_MARK}"', f'content="{now}"', 1)


def _counts(blocks) -> tuple[int, int, int]:
    """Recommendations, rows (actions, or the recommendation as a whole) and updates shown."""
    rows = [row for block in blocks for row in getattr(block, "rows", ())]
    return len(blocks), len(rows), sum(len(getattr(row, "updates", ())) for row in rows)


def prepare(
    spec: DocumentSpec, selection: Selection | QuerySet, *, output: str | None = None
) -> Prepared:
    """Build the document's content and HTML, and hash them: the content key, for ``output``
    (by default the spec's format). The queries of ``build_content``, a fixed number whatever
    the size of the document. A Word document is written from the same content as the HTML,
    so the HTML stands for it in the key too."""
    output = output or spec.format
    if isinstance(selection, QuerySet):
        selection = Selection(selection)
    content = build_content(spec, selection)
    content["created"] = CREATED_MARK
    html = render.document_html(content)
    padded = (
        render.document_html(content, pad_page=True)
        if spec.pad_to_even and output == "pdf"
        else None
    )
    filename, title = content["filename"], content["document_title"]
    recommendations, actions, updates = _counts(content["blocks"])
    key = content_hash([html, padded or "", filename, title], output=output)
    return Prepared(
        spec=spec,
        key=key,
        html=html,
        padded_html=padded,
        filename=filename,
        title=title,
        recommendations=recommendations,
        actions=actions,
        updates=updates,
        output=output,
        content=content,
    )
