"""Getting a committee document: from the cache, made now, or queued for the background;
and publishing the copy that goes to a meeting.

A made PDF is kept in the ``documents`` cache under its content key (``spec.content_key``),
which changes whenever a record it shows changes. So a document is rendered once per
content version: a second download of an unchanged plan reads the key (four small
queries) and the cache, and renders nothing.
"""

import datetime
import gc
import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from reviews.audit import acting_as

from ..models_documents import DocumentFile, DocumentJob, PublishedDocument
from .content import build_content
from .render import document_html, html_to_pdf
from .spec import ContentKey, DocumentSpec, InvalidDocument, content_key, select_recommendations

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


def _cache():
    alias = "documents" if "documents" in settings.CACHES else "default"
    return caches[alias]


def cached_pdf(key: str) -> MadePdf | None:
    """The PDF made earlier for ``key``, if the cache still has it."""
    if not key:
        return None
    value = _cache().get(CACHE_PREFIX + key)
    if not isinstance(value, dict):
        return None
    try:
        return MadePdf(key=key, **value)
    except TypeError:  # an entry written by an older version of this code
        return None


def make_pdf(spec: DocumentSpec, selection, key: str) -> MadePdf:
    """Render the document now and keep it in the cache under ``key``. Logs (INFO) the
    time it took, and how much of it was WeasyPrint's."""
    started = time.process_time()
    content = build_content(spec, selection)
    filename, title = content["filename"], content["document_title"]
    html = document_html(content)
    padded = document_html(content, pad_page=True) if spec.pad_to_even else None
    # Let the content go before WeasyPrint starts: objects kept alive through the layout
    # slow it down (the garbage collector walks them again and again), by about a tenth for
    # a 300-recommendation tracker.
    del content
    if len(html) > LARGE_HTML:
        gc.collect()  # and the reference cycles left by reading the plan (tens of ms)
    rendered = html_to_pdf(html, pad_to_even=spec.pad_to_even, padded_html=lambda: padded)
    made = MadePdf(
        key=key,
        pdf=rendered.pdf,
        pages=rendered.pages,
        filename=filename,
        title=title,
        position=spec.position_date,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
    )
    value = {k: v for k, v in made.__dict__.items() if k != "key"}
    _cache().set(CACHE_PREFIX + key, value, timeout=settings.DOCUMENTS_CACHE_SECONDS)
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


def _renders_in_request(key: ContentKey) -> bool:
    return key.recommendations <= settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS


def obtain(spec: DocumentSpec, *, user) -> MadePdf | DocumentJob:
    """The document's PDF (cached, or made now if it is small), or the background job that is
    making it. Raises :class:`InvalidDocument` for parameters that describe no document."""
    from .jobs import enqueue

    selection = select_recommendations(spec)
    key = content_key(spec, selection.queryset)
    made = cached_pdf(key.key)
    if made is not None:
        return made
    if _renders_in_request(key):
        return make_pdf(spec, selection, key.key)
    return enqueue(spec, key, user=user)


def publish_pdf(spec: DocumentSpec, made: MadePdf, *, user) -> PublishedDocument:
    """Keep ``made`` as the copy published to the meeting: its bytes, their SHA-256, who
    published it and when. One transaction; the record is audited."""
    if not spec.to_meeting_id:
        raise InvalidDocument(["Choose the meeting the document goes to."])
    with transaction.atomic(), acting_as(user):
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
        )
        document.full_clean()
        document.save(reason="Published to the meeting")
    return document


def publish(spec: DocumentSpec, *, user) -> PublishedDocument | DocumentJob:
    """Publish the document to its meeting now (from the cache, or made now if small), or
    queue it to be made and published in the background."""
    from .jobs import enqueue

    if not spec.to_meeting_id:
        raise InvalidDocument(["Choose the meeting the document goes to."])
    selection = select_recommendations(spec)
    key = content_key(spec, selection.queryset)
    made = cached_pdf(key.key)
    if made is None and _renders_in_request(key):
        made = make_pdf(spec, selection, key.key)
    if made is not None:
        return publish_pdf(spec, made, user=user)
    return enqueue(spec, key, user=user, publish=True)


def published_documents_for(meeting) -> list[PublishedDocument]:
    """The documents published to ``meeting``, newest first, without their bytes (one
    query). For the meeting page and ``documents/_published_list.html``."""
    return list(PublishedDocument.objects.filter(meeting=meeting).for_listing())
