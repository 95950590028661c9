"""The documents' cache can never serve the wrong document: the key is the SHA-256 of what is
rendered (the HTML, the renderer, the output format), so records replaced under the same ids
and version counters (a restored backup beside a surviving cache, two instances sharing a
folder) make a new document; a cached PDF whose bytes do not match their digest is made again;
publishing keeps what the current content renders to. And while a document is made in the
background its page says so, with an estimate measured from the recent tasks."""

import base64
import dataclasses
import datetime
import hashlib
import math
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from recommendations.documents import key as document_key
from recommendations.documents import pdfs, render, service
from recommendations.documents.key import prepare
from recommendations.documents.spec import DocumentSpec, select_recommendations
from recommendations.documents.tasks import make_document
from recommendations.models import Recommendation, Update
from tests.test_documents_views import (
    DATABASE_TASKS,
    documents_settings,  # noqa: F401 (the cache of each test)
    merton_2016,
    osc_july_2017,
    run_worker,
    squash,
    text_of,
)

REPLACED = "That the council replaces this recommendation, as restored from another database."


def plan_spec(**options) -> DocumentSpec:
    return DocumentSpec(kind="action_plan", review_id=merton_2016().pk, **options)


def key_of(spec: DocumentSpec) -> str:
    return prepare(spec, select_recommendations(spec)).key


def replace_behind_the_history(rec: Recommendation) -> None:
    """What another database (a restored backup, another instance) holds under the same ids
    and version counters: other text. Written past the history and the version counter, as
    only a test may."""
    version = rec.version
    Recommendation.objects.filter(pk=rec.pk).update(text=REPLACED)
    Update.objects.filter(recommendation=rec).update(text="An update from the other database.")
    assert Recommendation.objects.get(pk=rec.pk).version == version


def etag_key(response) -> str:
    return response["ETag"].removeprefix("W/").strip('"')


# --- the key --------------------------------------------------------------------------------


def test_the_key_is_the_hash_of_what_is_rendered(demo, monkeypatch):
    spec = plan_spec()
    one = prepare(spec, select_recommendations(spec))
    assert prepare(spec, select_recommendations(spec)).key == one.key  # the time is left out
    assert document_key.CREATED_MARK in one.html
    rendered = one.html_to_render()
    assert document_key.CREATED_MARK not in rendered
    assert rendered.replace(rendered.split('dcterms.created" content="')[1][:20], "") == (
        one.html.replace(document_key.CREATED_MARK, "")
    )
    assert (one.recommendations, one.actions, one.updates) == (8, 8, 8)
    # Each option that changes the document changes the key.
    for options in ({"pad_to_even": True}, {"as_at": datetime.date(2017, 7, 6)}):
        assert key_of(plan_spec(**options)) != one.key, options

    # The renderer, its post-processing step, our format version and the output format.
    base = document_key.content_hash([one.html])
    assert document_key.content_hash([one.html]) == base
    with monkeypatch.context() as patch:
        patch.setattr(render, "POSTPROCESS_VERSION", "pikepdf tags 1")
        assert document_key.content_hash([one.html]) != base
    with monkeypatch.context() as patch:
        patch.setattr(document_key, "weasyprint_version", lambda: "99.0")
        assert document_key.content_hash([one.html]) != base
    with monkeypatch.context() as patch:
        patch.setattr(document_key, "FORMAT_VERSION", "3")
        assert document_key.content_hash([one.html]) != base
    with monkeypatch.context() as patch:
        patch.setitem(document_key.RENDERERS, "docx", lambda: "python-docx 1.1")
        assert document_key.content_hash([one.html], output="docx") != base
    # Parts are length-prefixed: moving text from one part to the next is another document.
    assert document_key.content_hash(["ab", "c"]) != document_key.content_hash(["a", "bc"])


def test_records_replaced_under_the_same_ids_and_versions_make_another_key(demo):
    spec = plan_spec()
    before = key_of(spec)
    replace_behind_the_history(Recommendation.objects.get(reference="2016/17 R3"))
    assert key_of(spec) != before


# --- the cache ------------------------------------------------------------------------------


def test_the_same_ids_and_versions_with_other_text_are_not_served_the_cached_pdf(
    client, demo, councillor_user
):
    """The collision case: the version-counter key served the first database's PDF here."""
    client.force_login(councillor_user)
    url = reverse("documents_review_plan", args=[merton_2016().pk])
    with mock.patch.object(pdfs, "html_to_pdf", wraps=pdfs.html_to_pdf) as renders:
        first = client.get(url)
        replace_behind_the_history(Recommendation.objects.get(reference="2016/17 R3"))
        second = client.get(url)
        assert renders.call_count == 2
    assert first.status_code == second.status_code == 200
    assert etag_key(second) != etag_key(first)
    assert etag_key(second) == key_of(plan_spec())
    assert squash(REPLACED) in squash(text_of(second.content))
    assert squash(REPLACED) not in squash(text_of(first.content))
    # A conditional request with the first ETag is not told "not modified".
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def test_a_cached_pdf_that_does_not_match_its_digest_is_made_again(client, demo, councillor_user):
    client.force_login(councillor_user)
    url = reverse("documents_review_plan", args=[merton_2016().pk])
    first = client.get(url)
    cache, entry_name = pdfs.documents_cache(), pdfs.CACHE_PREFIX + etag_key(first)
    entry = cache.get(entry_name)
    assert entry["sha256"] == hashlib.sha256(first.content).hexdigest()
    damaged = entry["pdf"][:-200] + b"\0" * 200
    cache.set(entry_name, {**entry, "pdf": damaged})
    with mock.patch.object(pdfs, "html_to_pdf", wraps=pdfs.html_to_pdf) as renders:
        second = client.get(url)
        assert renders.call_count == 1
        # Another document's entry filed under this key is not served either.
        as_at = plan_spec(as_at=datetime.date(2017, 7, 6))
        other = pdfs.make_pdf(prepare(as_at, select_recommendations(as_at)))
        cache.set(entry_name, dataclasses.asdict(other))
        third = client.get(url)
        assert renders.call_count == 3
    for response in (second, third):
        assert response.status_code == 200 and response.content != damaged
        assert response.content != other.pdf
        assert etag_key(response) == etag_key(first)  # the same content
        digest = base64.b64encode(hashlib.sha256(response.content).digest()).decode()
        assert response["Repr-Digest"] == f"sha-256=:{digest}:"
    assert cache.get(entry_name)["pdf"] == third.content  # the good copy is kept again
    assert pdfs.cached_pdf(etag_key(first)).pdf == third.content


def test_publishing_keeps_what_the_current_content_renders_to(demo, officer_user):
    spec = plan_spec(to_meeting_id=osc_july_2017().pk)
    made = service.obtain(spec, user=officer_user)  # made and cached
    replace_behind_the_history(Recommendation.objects.get(reference="2016/17 R3"))

    document = service.publish(spec, user=officer_user)
    stored = bytes(document.file.content)
    assert squash(REPLACED) in squash(text_of(stored))
    assert document.sha256 == hashlib.sha256(stored).hexdigest() != made.sha256
    current = pdfs.cached_pdf(key_of(spec))
    assert current.pdf == stored  # what it rendered, kept under the current content's key

    # A damaged cache entry under the current key is not published: it is made again.
    entry_name = pdfs.CACHE_PREFIX + current.key
    damaged = stored[:-200] + b"\0" * 200
    pdfs.documents_cache().set(entry_name, {**dataclasses.asdict(current), "pdf": damaged})
    again = service.publish(spec, user=officer_user)
    kept = bytes(again.file.content)
    assert kept != damaged and again.sha256 == hashlib.sha256(kept).hexdigest()
    assert squash(REPLACED) in squash(text_of(kept))


# --- the estimate and the page of a document being made -------------------------------------


def finished_task(seconds: float, recommendations: int, *, age_minutes: int = 5, **value) -> None:
    """A document task finished ``age_minutes`` ago, that took ``seconds``. Its row is written
    directly, as the worker would have."""
    result = make_document.enqueue(plan_spec().to_json(), estimated_seconds=1)
    finished = timezone.now() - datetime.timedelta(minutes=age_minutes)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="SUCCESSFUL",
        started_at=finished - datetime.timedelta(seconds=seconds),
        finished_at=finished,
        return_value={
            "key": "",
            "pages": 3,
            "size": 1000,
            "published_document": None,
            "recommendations": recommendations,
            "rendered": True,
            **value,
        },
    )


def test_the_estimate_is_measured_from_the_recent_tasks(demo, settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    spec = plan_spec()
    prepared = prepare(spec, select_recommendations(spec))
    assert service.seconds_per_recommendation() is None  # nothing measured yet: the formula
    assert service.estimate_seconds(prepared) == math.ceil(0.5 + 0.06 * 8 + 0.005 * 16)

    finished_task(40, 10, age_minutes=30)  # 4 s a recommendation
    assert service.seconds_per_recommendation() == 4
    assert service.estimate_seconds(prepared) == 32
    finished_task(10, 10, age_minutes=20)
    finished_task(12, 10, age_minutes=10)  # the median of 4, 1 and 1.2: 1.2
    assert service.estimate_seconds(prepared) == math.ceil(1.2 * 8)
    # A task that found its document in the cache, or made none, says nothing of the time.
    finished_task(0.01, 100, age_minutes=1, rendered=False)
    finished_task(0.01, 0, age_minutes=1)
    assert service.estimate_seconds(prepared) == math.ceil(1.2 * 8)
    # Only the latest tasks count: here the one of no recommendation, 1.2 and 1.
    monkeypatch.setattr(service, "RECENT_TASKS", 3)
    assert service.seconds_per_recommendation() == pytest.approx(1.1)


def test_with_the_immediate_backend_the_estimate_is_the_formula(demo, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert service.seconds_per_recommendation() is None


def test_a_document_the_recent_tasks_say_is_slow_gets_the_page_that_says_it_is_being_made(
    transactional_db, client, demo, councillor_user, settings
):
    """Under load the plan takes seconds: the user is told it is being made, not left before a
    blank screen."""
    settings.TASKS = DATABASE_TASKS
    client.force_login(councillor_user)
    url = reverse("documents_review_plan", args=[merton_2016().pk])
    finished_task(30, 10)  # 3 s a recommendation: 24 s for Merton's 8, over the limit
    response = client.get(url)
    assert response.status_code == 302
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "<title>Your document is being made" in page
    assert 'role="status"' in page and 'aria-live="polite"' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert "It should be ready in about 24 seconds." in page
    assert f'href="{job_url}">Check if it is ready</a>' in page

    run_worker()

    page = client.get(job_url).content.decode()
    assert "Your document is ready" in page and "http-equiv" not in page
    made = DBTaskResult.objects.get(pk=job_url.split("/")[-2])
    assert made.return_value["recommendations"] == 8 and made.return_value["rendered"]
    # Measured quick (2 s for 8), a plan not yet made is made within the request.
    DBTaskResult.objects.exclude(pk=made.pk).delete()
    DBTaskResult.objects.filter(pk=made.pk).update(
        started_at=made.finished_at - datetime.timedelta(seconds=2)
    )
    assert service.seconds_per_recommendation() == 0.25
    settings.DOCUMENTS_SYNC_MAX_SECONDS = 2
    response = client.get(url + "?pad=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_page_of_a_waiting_document_counts_the_documents_before_it(
    client, demo, councillor_user, settings
):
    settings.TASKS = DATABASE_TASKS
    client.force_login(councillor_user)
    first = make_document.enqueue(plan_spec().to_json(), estimated_seconds=20)
    second = make_document.enqueue(plan_spec(pad_to_even=True).to_json(), estimated_seconds=30)
    earlier = timezone.now() - datetime.timedelta(minutes=1)
    DBTaskResult.objects.filter(pk=first.id).update(enqueued_at=earlier)
    page = client.get(reverse("documents_job_detail", args=[second.id])).content.decode()
    assert "It is waiting to be made, after the 1 document before it." in page
    assert "It should be ready in about 50 seconds." in page

    # Being made, and for much longer than the estimate: the page says so.
    DBTaskResult.objects.filter(pk=first.id).update(
        status="RUNNING", started_at=timezone.now() - datetime.timedelta(seconds=100)
    )
    page = client.get(reverse("documents_job_detail", args=[first.id])).content.decode()
    assert re.search(r"It is being made now \(for 10\d seconds so far\)", page)
    assert "It should take about 20 seconds in all." in page
    assert "It is taking longer than usual" in page
