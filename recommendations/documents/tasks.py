"""Making large documents in the background, on Django's tasks framework.

WeasyPrint lays out about five pages of dense table a second: a 300-recommendation tracker
takes about half a minute, longer than a web request should. Such a document is made by the
:func:`make_document` task; the user is sent to the task's page (``views.job_detail``), which
says how long it should take and gives the download link when it is ready.

The task runs in a worker process (``manage.py db_worker``, from django-tasks-db), never in a
web process. On PostgreSQL several workers on several hosts take tasks safely (each claims its
task with ``SELECT ... FOR UPDATE SKIP LOCKED``); on SQLite the claim is an exclusive
transaction. The tests use the immediate backend, which runs the task within the request.
"""

from django.contrib.auth import get_user_model
from django_tasks import task

from recommendations.models import forget_status_key

from .key import prepare
from .models import DocumentFormat
from .pdfs import publish_pdf
from .spec import DocumentSpec, InvalidDocument, select_recommendations
from .word import cached_in_format, make_in_format


@task()
def make_document(
    spec: dict,
    *,
    publish: bool = False,
    user_id: int | None = None,
    estimated_seconds: int = 0,
    replaces_id: int | None = None,
) -> dict:
    """Make the document ``spec`` describes (``DocumentSpec.to_json()``: a PDF or a Word
    document), keep it in the cache and, with ``publish``, publish it to its meeting as the
    user ``user_id`` (replacing the withdrawn document ``replaces_id``, if given).

    Returns what the task's page shows: the content key of the PDF made (to read it from the
    cache), its pages and size and the published document's id; or, when the records changed
    so that the parameters no longer describe a document, the ``problem`` to tell the user.
    With them, for the estimates of the next tasks (``service.seconds_per_recommendation``):
    the number of recommendations and whether the PDF was rendered (not found in the cache).
    ``estimated_seconds`` is not used here: it is kept with the task for its page.
    """
    forget_status_key()  # a worker lives long: read the council's key as it is now
    document = DocumentSpec.from_json(spec)
    try:
        selection = select_recommendations(document)
        prepared = prepare(document, selection)
        made = cached_in_format(prepared)
        rendered = made is None
        if rendered:
            made = make_in_format(prepared)
        published = None
        if publish:
            user = get_user_model().objects.get(pk=user_id)
            published = publish_pdf(document, made, user=user, replaces_id=replaces_id)
    except InvalidDocument as problem:
        return {"problem": " ".join(problem.messages)}
    return {
        "key": made.key,
        "pages": made.pages,
        "size": made.size,
        "published_document": published.pk if published else None,
        "recommendations": prepared.recommendations,
        # The estimates are of PDFs: a Word document takes a small share of their time.
        "rendered": rendered and document.format == DocumentFormat.PDF,
    }
