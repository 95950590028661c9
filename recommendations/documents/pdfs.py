"""Making a committee document's PDF and keeping it: the cache of made PDFs, and the copy
published to a meeting. Used by the requests (``service``) and the background task (``tasks``).

A made PDF is kept in the ``documents`` cache under its content key (``key.py``: the SHA-256
of the HTML it was made from and of the renderer), with the SHA-256 of its bytes. So a document
is rendered once per content: a second download of an unchanged plan builds the HTML again
(milliseconds), finds the PDF under its key and checks the bytes against their recorded digest
before giving them out; an entry that does not match is dropped and the document made again.
"""

import datetime
import gc
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scrutiny.audit import acting_as
from scrutiny.caches import shared_cache
from scrutiny.formats import british_date

from .key import Prepared
from .models import DocumentFile, PublishedDocument
from .render import html_to_pdf
from .spec import DocumentSpec, InvalidDocument

logger = logging.getLogger(__name__)

CACHE_PREFIX = "document-pdf:"
LARGE_HTML = 100_000  # characters of HTML: about 50 recommendations


@dataclass
class MadePdf:
    """A PDF made for a content key, as kept in the cache."""

    key: str
    pdf: bytes
    pages: int
    filename: str
    title: str
    position: datetime.date
    sha256: str

    @property
    def size(self) -> int:
        return len(self.pdf)


def documents_cache():
    """The cache the documents, their locks and the per-user counters live in: the one every
    process shares (``CACHE_URL``)."""
    return shared_cache()


def cached_entry(prefix: str, key: str, build: Callable[[dict], Any], data: Callable[[Any], bytes]):
    """The document made earlier for content key ``key`` under ``prefix`` (``build`` makes it
    from the cached dict, ``data`` gives its bytes), if the cache still has it and its bytes
    are the ones recorded with it (their SHA-256); an entry that is not is dropped, so it is
    made again. For every format (the PDF here, the Word document in ``word.py``)."""
    if not key:
        return None
    cache = documents_cache()
    value = cache.get(prefix + key)
    if not isinstance(value, dict):
        return None
    try:
        made = build(value)
    except TypeError:  # an entry written by an older version of this code
        made = None
    if made is None or made.key != key or hashlib.sha256(data(made)).hexdigest() != made.sha256:
        logger.warning("Cached document %s does not match its key or digest: made again", key)
        cache.delete(prefix + key)
        return None
    return made


def cached_pdf(key: str) -> MadePdf | None:
    """The PDF made earlier for ``key`` (see :func:`cached_entry`)."""
    return cached_entry(CACHE_PREFIX, key, lambda value: MadePdf(**value), lambda made: made.pdf)


def make_pdf(prepared: Prepared) -> MadePdf:
    """Render the prepared document now and keep it in the cache under its content key. Logs
    (INFO) the time it took, and how much of it was WeasyPrint's."""
    started = time.process_time()
    spec = prepared.spec
    html = prepared.html_to_render()
    padded = prepared.html_to_render(padded=True) if prepared.padded_html else None
    if len(html) > LARGE_HTML:
        # Objects kept alive through the layout slow WeasyPrint down (the garbage collector
        # walks them again and again): let the reference cycles left by reading the plan go
        # before it starts (tens of ms; about a tenth of a 300-recommendation tracker).
        gc.collect()
    rendered = html_to_pdf(html, pad_to_even=spec.pad_to_even, padded_html=lambda: padded)
    made = MadePdf(
        key=prepared.key,
        pdf=rendered.pdf,
        pages=rendered.pages,
        filename=prepared.filename,
        title=prepared.title,
        position=spec.position_date,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
    )
    documents_cache().set(
        CACHE_PREFIX + made.key, asdict(made), timeout=settings.DOCUMENTS_CACHE_SECONDS
    )
    total = time.process_time() - started
    made.weasyprint_cpu = rendered.weasyprint_cpu  # not cached: for the log and bench/pdf.py
    logger.info(
        "Made %s: %d pages, %d bytes, %.2f s of CPU (WeasyPrint %.2f s)",
        made.filename,
        made.pages,
        made.size,
        total,
        rendered.weasyprint_cpu,
    )
    return made


def publish_pdf(
    spec: DocumentSpec, made: MadePdf, *, user, replaces_id: int | None = None
) -> PublishedDocument:
    """Keep ``made`` as the copy published to the meeting: its bytes, their SHA-256, who
    published it and when. One transaction; the record is audited. ``replaces_id`` names the
    withdrawn document it replaces (at the same meeting, not replaced already)."""
    if not spec.to_meeting_id:
        raise InvalidDocument(["Choose the meeting the document goes to."])
    with transaction.atomic(), acting_as(user):
        replaces = None
        if replaces_id is not None:
            replaces = replaced_document(replaces_id)
        file = DocumentFile.store(made.pdf)
        document = PublishedDocument(
            meeting_id=spec.to_meeting_id,
            agenda_item_id=spec.agenda_item_id,
            kind=spec.kind,
            review_id=spec.review_id,
            title=made.title[:300],
            appendix_label=spec.appendix_label,
            as_at=made.position,
            include_closed=spec.include_closed,
            parameters=spec.query_string()[:2000],
            file=file,
            sha256=made.sha256,
            size=made.size,
            page_count=made.pages,
            filename=made.filename,
            published_by=user,
            published_at=timezone.now(),
            replaces=replaces,
        )
        try:
            document.full_clean()
        except ValidationError as error:
            raise InvalidDocument(error.messages) from None
        document.save(
            reason="Published to the meeting"
            if replaces is None
            else f"Published to the meeting, replacing the version published on "
            f"{british_date(replaces.published_at)}"
        )
    return document


def replaced_document(pk: int) -> PublishedDocument:
    """The withdrawn document ``pk``, its row held, for a replacement to name; refused (with
    :class:`InvalidDocument`, saying what to do) if it has gone, is not withdrawn or has been
    replaced already. Call it inside a transaction."""
    replaced = PublishedDocument.objects.select_for_update().filter(pk=pk).first()
    if replaced is None:
        raise InvalidDocument(["The document to replace no longer exists."])
    if replaced.withdrawn_at is None:
        raise InvalidDocument(
            [
                "Withdraw the published document first, with the reason, then publish its "
                "replacement."
            ]
        )
    if PublishedDocument.objects.filter(replaces_id=pk).exists():
        raise InvalidDocument(
            [
                "That document has been replaced already: its replacement is listed on the "
                "meeting page."
            ]
        )
    return replaced
