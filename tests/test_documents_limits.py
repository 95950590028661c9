"""Bounded work per user (issue 15, point 5): unknown parameters refused, equivalent options
one document, identical requests one render, and each user's renders and background jobs
limited with a page that says so in words. Downloads found in the cache are never counted."""

import concurrent.futures
import threading
import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connections
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from recommendations.documents import limits, pdfs, service
from recommendations.documents.models import DocumentKind
from recommendations.documents.spec import DocumentSpec
from reviews.models import Meeting, Review
from scrutiny import roles

from .conftest import make_user
from .test_documents_views import DATABASE_TASKS, documents_settings  # noqa: F401


def merton_2016() -> Review:
    return Review.objects.get(title="Shared and outsourced services in Merton")


def plan_url(**query) -> str:
    url = reverse("documents_review_plan", args=[merton_2016().pk])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


@pytest.fixture
def renders():
    with mock.patch.object(pdfs, "html_to_pdf", wraps=pdfs.html_to_pdf) as counted:
        yield counted


# --- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["appendx", "page_size", "cache_buster"])
def test_an_unknown_parameter_is_refused_and_nothing_is_made(
    client, demo, councillor_user, renders, name
):
    client.force_login(councillor_user)
    for url in (
        plan_url(**{name: "1"}),
        reverse("documents_meeting_tracker", args=[Meeting.objects.get(date="2017-07-06").pk])
        + f"?{name}=1",
        reverse("documents_tracker") + f"?status=achieved&{name}=1",
        reverse("documents_tracker_docx") + f"?{name}=1",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        page = response.content.decode()
        assert f"a document does not have: “{name}”" in page
    assert renders.call_count == 0


def test_the_register_filters_and_the_options_are_known(client, demo, councillor_user):
    client.force_login(councillor_user)
    url = reverse("documents_tracker") + "?status=achieved&sort=-updated&page=2&pad=1"
    assert client.get(url).status_code == 200


def test_equivalent_labels_and_wards_are_one_spec():
    one = DocumentSpec(DocumentKind.ACTION_PLAN, review_id=1, appendix_label="Appendix 1")
    assert (
        DocumentSpec(DocumentKind.ACTION_PLAN, review_id=1, appendix_label="  Appendix \t 1\n")
        == one
    )
    assert (
        DocumentSpec(
            DocumentKind.ACTION_PLAN, review_id=1, appendix_label="Appendix 1", wards="  aLL "
        )
        == one
    )
    assert DocumentSpec(DocumentKind.ACTION_PLAN, review_id=1, wards="Abbey  ward").wards == (
        "Abbey ward"
    )


def test_equivalent_addresses_give_one_render(client, demo, councillor_user, renders):
    client.force_login(councillor_user)
    first = client.get(plan_url(as_at="2017-07-06", appendix="Appendix 1", pad="1"))
    assert first.status_code == 200
    for query in (
        {"as_at": "6/7/2017", "appendix": " Appendix   1 ", "pad": "true", "wards": "ALL"},
        {"as_at": "2017-07-06", "appendix": "Appendix\t1", "pad": "on", "wards": ""},
    ):
        again = client.get(plan_url(**query))
        assert again.status_code == 200, again.content
        assert again["ETag"] == first["ETag"]
    assert renders.call_count == 1


# --- one render per content key -------------------------------------------------------------


@pytest.mark.parametrize("backend", ["locmem", "file"])
def test_render_once_makes_one_of_concurrent_identical_requests(settings, tmp_path, backend):
    if backend == "file":  # the default documents cache: its lock is a file made exclusively
        settings.CACHES = {
            **settings.CACHES,
            "documents": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            },
        }
    settings.DOCUMENTS_RENDER_WAIT_SECONDS = 20
    made = {}
    calls = []
    start = threading.Barrier(4)

    def make():
        calls.append(1)
        time.sleep(0.5)  # long enough for the others to find the lock taken
        made["doc"] = "the document"
        return made["doc"]

    def ask():
        start.wait(timeout=10)
        return limits.render_once(
            "k" * 64, make=make, cached=lambda: made.get("doc"), elsewhere=lambda: "task"
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = [f.result(timeout=30) for f in [pool.submit(ask) for _ in range(4)]]
    assert results == ["the document"] * 4
    assert len(calls) == 1


def test_render_once_sends_a_request_that_waits_too_long_to_the_task(settings):
    settings.DOCUMENTS_RENDER_WAIT_SECONDS = 1
    cache = pdfs.documents_cache()
    cache.add(limits.LOCK_PREFIX + "held", "another request", timeout=60)
    outcome = limits.render_once(
        "held", make=mock.Mock(), cached=lambda: None, elsewhere=lambda: "the task"
    )
    assert outcome == "the task"


def test_render_once_takes_over_when_the_first_render_failed(settings):
    def failing():
        raise RuntimeError("layout")

    with pytest.raises(RuntimeError):
        limits.render_once("k2", make=failing, cached=lambda: None, elsewhere=lambda: None)
    # The lock went with the failure: the next request renders at once.
    assert (
        limits.render_once("k2", make=lambda: "made", cached=lambda: None, elsewhere=lambda: None)
        == "made"
    )


def test_two_identical_downloads_at_once_render_once(transactional_db, demo, councillor_user):
    url = plan_url(as_at="2017-07-06")
    barrier = threading.Barrier(2)
    real = pdfs.html_to_pdf

    def slow_render(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    def download():
        from django.test import Client

        client = Client()
        client.force_login(councillor_user)
        try:
            barrier.wait(timeout=30)
            response = client.get(url)
            return response.status_code, response.get("ETag")
        finally:
            connections.close_all()

    with (
        mock.patch.object(pdfs, "html_to_pdf", side_effect=slow_render) as renders,
        concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool,
    ):
        results = [f.result(timeout=120) for f in [pool.submit(download) for _ in range(2)]]
    assert [status for status, _ in results] == [200, 200]
    assert results[0][1] == results[1][1]
    assert renders.call_count == 1
    # The shared render counts for the one who made it, not for the one who waited.
    assert limits.renders_in_the_last_hour(councillor_user) == 1


# --- limits per user ------------------------------------------------------------------------


def test_renders_per_user_are_limited_and_cached_downloads_are_not_counted(
    client, demo, councillor_user, settings, renders
):
    settings.DOCUMENTS_RENDERS_PER_USER_PER_HOUR = 2
    client.force_login(councillor_user)
    assert client.get(plan_url(as_at="2017-07-06")).status_code == 200
    assert client.get(plan_url(as_at="2018-07-06")).status_code == 200
    for _ in range(3):  # made already: from the cache, never counted
        assert client.get(plan_url(as_at="2017-07-06")).status_code == 200
    refused = client.get(plan_url(as_at="2019-07-06"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "You have asked for 2 new documents in the last hour" in page
    assert "each person can ask for 2 an hour" in page
    assert renders.call_count == 2
    # Another person is not held back by this one.
    other = make_user("cllr-other", roles.COUNCILLOR)
    client.force_login(other)
    assert client.get(plan_url(as_at="2019-07-06")).status_code == 200


def test_background_jobs_per_user_are_limited(
    transactional_db, client, demo, councillor_user, settings
):
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 5  # Merton's 8 are made in the background
    settings.DOCUMENTS_QUEUED_PER_USER = 1
    settings.TASKS = DATABASE_TASKS
    client.force_login(councillor_user)
    first = client.get(plan_url(as_at="2017-07-06"))
    assert first.status_code == 302
    # The same document again: the same task, shared, not refused.
    assert client.get(plan_url(as_at="2017-07-06"))["Location"] == first["Location"]
    refused = client.get(plan_url(as_at="2018-07-06"))
    assert refused.status_code == 429
    assert "You already have 1 document being made in the background" in (refused.content.decode())
    assert DBTaskResult.objects.count() == 1
    # Once the worker has made it, the user may ask for another.
    from .test_documents_views import run_worker

    run_worker()
    assert client.get(plan_url(as_at="2018-07-06")).status_code == 302
    assert DBTaskResult.objects.count() == 2


@pytest.mark.parametrize("backend", ["locmem", "file"])
def test_one_persons_background_requests_at_once_cannot_pass_the_queue_limit_together(
    transactional_db, demo, councillor_user, settings, tmp_path, backend
):
    """Three requests of one person at once, with one place left: one is queued, two are told
    to wait (without the per-user lock all three counted the queue before any was added)."""
    if backend == "file":  # the default documents cache on SQLite
        settings.CACHES = {
            **settings.CACHES,
            "documents": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            },
        }
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 5  # Merton's 8 are made in the background
    settings.DOCUMENTS_QUEUED_PER_USER = 1
    settings.TASKS = DATABASE_TASKS
    urls = [plan_url(as_at=f"{year}-07-06") for year in (2017, 2018, 2019)]
    barrier = threading.Barrier(len(urls))
    real_start = service._start

    def slow_start(*args, **kwargs):
        time.sleep(0.3)  # the others reach their check meanwhile
        return real_start(*args, **kwargs)

    def ask(url):
        from django.test import Client

        client = Client()
        client.force_login(councillor_user)
        try:
            barrier.wait(timeout=30)
            response = client.get(url)
            return response.status_code, response.content.decode()
        finally:
            connections.close_all()

    with (
        mock.patch.object(service, "_start", side_effect=slow_start),
        concurrent.futures.ThreadPoolExecutor(max_workers=len(urls)) as pool,
    ):
        results = [f.result(timeout=120) for f in [pool.submit(ask, url) for url in urls]]
    assert sorted(status for status, _ in results) == [302, 429, 429]
    assert DBTaskResult.objects.count() == 1
    for status, page in results:
        if status == 429:
            assert "You already have 1 document being made in the background" in page


def test_a_refused_document_is_not_a_queued_task_of_anyone(demo, councillor_user, settings):
    settings.DOCUMENTS_RENDERS_PER_USER_PER_HOUR = 1
    spec = DocumentSpec(DocumentKind.ACTION_PLAN, review_id=merton_2016().pk)
    service.obtain(spec, user=councillor_user)
    with pytest.raises(limits.TooManyDocuments):
        service.obtain(
            DocumentSpec(DocumentKind.ACTION_PLAN, review_id=merton_2016().pk, pad_to_even=True),
            user=councillor_user,
        )


def test_a_render_counter_expires_once_its_slot_leaves_the_hour(tmp_path, monkeypatch):
    """Each ten-minute slot's counter is written with the time it has left in the hour, not
    the cache's default timeout (none, for the shared cache): before, on the database and file
    caches every counter stayed for ever and filled the cache."""
    import time

    from django.core.cache.backends.filebased import FileBasedCache

    from recommendations.documents import limits

    cache = FileBasedCache(str(tmp_path / "cache"), {"TIMEOUT": None})
    monkeypatch.setattr(limits, "documents_cache", lambda: cache)
    user = SimpleNamespace(pk=7, is_authenticated=True)
    start = 1_900_000_000 // limits.SLOT_SECONDS * limits.SLOT_SECONDS + 1  # a fixed clock
    monkeypatch.setattr(time, "time", lambda: start)
    limits.count_render(user)
    limits.count_render(user)
    assert limits.renders_in_the_last_hour(user) == 2
    # Still counted 59 minutes later; gone (from the cache too) once the slot is over an hour old.
    monkeypatch.setattr(time, "time", lambda: start + 3540)
    assert limits.renders_in_the_last_hour(user) == 2
    monkeypatch.setattr(time, "time", lambda: start + limits.SLOT_SECONDS + 3600)
    assert limits.renders_in_the_last_hour(user) == 0
    key = f"{limits.RENDERS_PREFIX}7:{limits._slot(start)}"
    assert cache.get(key) is None and not cache.has_key(key)
