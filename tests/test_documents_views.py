"""The documents' pages: export, publish (officers only), the published copy kept byte for
byte, the tracker with the register's filters, the meeting tracker, the cache, background
jobs, bad input, and query counts that do not grow with the data."""

import datetime
import hashlib
import io
import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from recommendations.documents import pdfs, service
from recommendations.documents.models import PublishedDocument
from recommendations.documents.service import published_documents_for
from recommendations.documents.tasks import make_document
from recommendations.models import ActionPlanItem, Recommendation, Update
from reviews.models import AgendaItem, Meeting, Review
from scrutiny.audit import acting_as
from scrutiny.permissions import can_publish


@pytest.fixture(autouse=True)
def documents_settings(settings, tmp_path):
    """A cache of our own for each test (background tasks run at once: tests/conftest.py)."""
    settings.CACHES = {
        **settings.CACHES,
        "documents": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"documents-{tmp_path.name}",
        },
    }
    settings.VAR_DIR = tmp_path


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """What a worker process does: take every waiting task, then stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def merton_2016() -> Review:
    return Review.objects.get(title="Shared and outsourced services in Merton")


def osc_july_2017() -> Meeting:
    return Meeting.objects.get(date="2017-07-06")


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def export_data(**values) -> dict:
    data = {
        "to_meeting": "",
        "agenda_item": "",
        "appendix": "Appendix 1",
        "wards": "All",
        "as_at_day": "6",
        "as_at_month": "7",
        "as_at_year": "2017",
    }
    data.update(values)
    return data


# --- export and download --------------------------------------------------------------------


def test_export_page_offers_the_options_and_publishing_to_officers(client, demo, officer_user):
    client.force_login(officer_user)
    review = merton_2016()
    response = client.get(reverse("documents_review_export", args=[review.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("to_meeting", "agenda_item", "appendix", "as_at_day", "include_closed", "pad"):
        assert f'name="{name}"' in html
    assert "Publish to the meeting" in html
    assert 'value="Appendix 1"' in html


def test_councillors_see_no_publish_button(client, demo, councillor_user):
    client.force_login(councillor_user)
    html = client.get(reverse("documents_review_export", args=[merton_2016().pk])).content
    assert b"Publish to the meeting" not in html
    assert b"Download PDF" in html


def test_export_download_redirects_to_the_pdf_with_the_options(client, demo, councillor_user):
    client.force_login(councillor_user)
    review = merton_2016()
    meeting = osc_july_2017()
    item = AgendaItem.objects.get(meeting=meeting)
    response = client.post(
        reverse("documents_review_export_download", args=[review.pk]),
        export_data(to_meeting=meeting.pk, agenda_item=item.pk, pad="1"),
    )
    assert response.status_code == 303
    url = response["Location"]
    assert url.startswith(reverse("documents_review_plan", args=[review.pk]) + "?")
    for part in ("as_at=2017-07-06", "pad=1", f"to_meeting={meeting.pk}", "appendix=Appendix+1"):
        assert part in url
    pdf = client.get(url)
    assert pdf.status_code == 200
    text = text_of(pdf.content)
    assert "Committee: Merton Overview and Scrutiny Commission" in text
    assert "Date: 6 July 2017" in text
    assert "Agenda item: Shared Services and Outsourced Services in Merton Task Group" in text
    assert "Wards: All" in text
    assert "Lead officer: Ged Curran, Chief Executive" in text
    assert "Lead member: Councillor Allison, Deputy Leader and Cabinet Member for Finance" in text
    # The paper's contact officer (seed 002), the review's own, not its scrutiny officer.
    assert "Contact officer: Sophie Ellis, Assistant Director of Business Improvement" in text
    assert "Julia Regan" not in text
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) % 2 == 0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"as_at_day": "31", "as_at_month": "2"}, "must be a real date"),
        ({"as_at_month": ""}, "must include a month"),
        ({"as_at_year": "2099"}, "today or in the past"),
        ({"as_at_year": "17"}, "The year must have 4 numbers, for example 2017."),
        ({"as_at_day": "x"}, "The “as at” date must be numbers, for example 14 11 2016."),
        ({"as_at_year": "1989"}, "The “as at” date must be the same as or after 1 January 1990."),
        ({"appendix": "A" * 41}, "40 characters or fewer"),
        ({"to_meeting": "99999"}, "Choose a meeting from the list"),
        ({"to_meeting": "x"}, "Choose a meeting from the list"),
    ],
)
def test_export_refuses_bad_input_with_a_clear_message(
    client, demo, councillor_user, values, message
):
    client.force_login(councillor_user)
    response = client.post(
        reverse("documents_review_export_download", args=[merton_2016().pk]), export_data(**values)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert "<title>Error:" in html


def test_agenda_item_of_another_meeting_is_refused(client, demo, councillor_user):
    client.force_login(councillor_user)
    item = AgendaItem.objects.get(meeting__date="2016-11-14")
    response = client.post(
        reverse("documents_review_export_download", args=[merton_2016().pk]),
        export_data(to_meeting=osc_july_2017().pk, agenda_item=item.pk),
    )
    assert response.status_code == 400
    assert "Choose an agenda item of the meeting the document goes to." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "as_at=banana",
        "as_at=2099-01-01",
        "to_meeting=abc",
        "agenda_item=99999",
        "appendix=" + "x" * 50,
    ],
)
def test_bad_document_parameters_get_a_message_not_a_500(client, demo, councillor_user, query):
    client.force_login(councillor_user)
    url = reverse("documents_review_plan", args=[merton_2016().pk]) + "?" + query
    response = client.get(url)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_missing_review_or_meeting_is_404(client, demo, councillor_user):
    client.force_login(councillor_user)
    assert client.get(reverse("documents_review_plan", args=[99999])).status_code == 404
    assert client.get(reverse("documents_meeting_tracker", args=[99999])).status_code == 404
    assert client.get(reverse("documents_review_export", args=[99999])).status_code == 404


def test_documents_need_a_signed_in_user(client, demo):
    response = client.get(reverse("documents_review_plan", args=[merton_2016().pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the tracker and the meeting tracker ----------------------------------------------------


def test_tracker_takes_the_register_filters_and_parameters(client, demo, councillor_user):
    client.force_login(councillor_user)
    response = client.get(reverse("documents_tracker") + "?status=achieved&sort=-updated&page=2")
    assert response.status_code == 200
    text = squash(text_of(response.content))
    assert squash("Recommendation 7 (2016/17 R7)") in text
    assert squash("Recommendation 1 (2016/17 R1)") not in text
    assert squash("chosen by Status: Achieved") in text
    assert squash("Review: Shared and outsourced services in Merton (2016/17)") in text

    harrow = Review.objects.get(title="Shared services scrutiny review (Harrow)")
    text = squash(
        text_of(client.get(reverse("documents_tracker") + f"?review={harrow.pk}").content)
    )
    assert squash("robust feasibility studies") in text
    assert squash("Recommendation 1 (2016/17 R1)") not in text


def test_tracker_with_a_bad_filter_says_why(client, demo, councillor_user):
    client.force_login(councillor_user)
    response = client.get(reverse("documents_tracker") + "?review=99999")
    assert response.status_code == 400
    assert "Review:" in response.content.decode()
    response = client.get(reverse("documents_tracker_export") + "?status=nonsense")
    assert response.status_code == 400


def test_meeting_tracker_gives_the_updates_since_the_previous_meeting(
    client, demo, councillor_user
):
    client.force_login(councillor_user)
    meeting = osc_july_2017()
    rec = Recommendation.objects.get(reference="2016/17 R4")
    with acting_as(councillor_user):
        Update(
            recommendation=rec,
            action=rec.actions.get(),
            date=datetime.date(2017, 2, 1),
            text="February 2017: a first draft of the checklist.",
        ).save()
    response = client.get(
        reverse("documents_meeting_tracker", args=[meeting.pk]) + "?as_at=2017-07-06"
    )
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Committee: Merton Overview and Scrutiny Commission" in text
    assert "since the committee's previous meeting on 7 March 2017" in text
    assert "NEW 6 July 2017" in text
    assert "February 2017: a first draft" not in text  # older than the previous meeting
    assert squash("This is built into the activity set out against Recommendation 2") in squash(
        text
    )


# --- publishing -----------------------------------------------------------------------------


def publish(client, review, meeting, **values):
    return client.post(
        reverse("documents_review_export_publish", args=[review.pk]),
        export_data(to_meeting=meeting.pk, **values),
    )


def test_publish_keeps_the_copy_that_went_to_committee(client, demo, officer_user):
    client.force_login(officer_user)
    review, meeting = merton_2016(), osc_july_2017()
    response = publish(client, review, meeting)
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()

    document = PublishedDocument.objects.get()
    assert document.published_by == officer_user
    assert document.meeting == meeting and document.review == review
    assert document.as_at == datetime.date(2017, 7, 6)
    stored = bytes(document.file.content)
    assert hashlib.sha256(stored).hexdigest() == document.sha256 == document.file.sha256
    assert document.size == len(stored) and document.page_count >= 3
    row = document.history.get()
    assert row.history_user == officer_user and row.sha256 == document.sha256

    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Published" in m and str(meeting) in m for m in messages)
    assert published_documents_for(meeting) == [document]

    # The download is the identical bytes, whatever is edited afterwards.
    rec = Recommendation.objects.get(reference="2016/17 R1")
    with acting_as(officer_user):
        rec.text = "Rewritten after the meeting."
        rec.save()
        rec.updates.get().delete()
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert download.content == stored
    assert download["ETag"] == f'"{document.sha256}"'
    assert download["Content-Type"] == "application/pdf"
    assert (
        client.get(document.get_absolute_url(), HTTP_IF_NONE_MATCH=download["ETag"]).status_code
        == 304
    )


def test_councillors_and_lead_officers_cannot_publish(
    client, demo, councillor_user, lead_officer_user
):
    review, meeting = merton_2016(), osc_july_2017()
    for user in (councillor_user, lead_officer_user):
        client.force_login(user)
        assert publish(client, review, meeting).status_code == 403
        tracker = reverse("documents_meeting_export_publish", args=[meeting.pk])
        assert client.post(tracker, export_data()).status_code == 403
    assert not PublishedDocument.objects.exists()


def test_an_inactive_officer_cannot_publish(client, demo, officer_user, settings):
    """Who may publish is written once (scrutiny.permissions: the register's editors, while
    their account is active): an officer switched off is refused, though still in the group."""
    review, meeting = merton_2016(), osc_july_2017()
    officer_user.is_active = False
    officer_user.save()
    assert not can_publish(officer_user)
    # The usual backend no longer signs them in: their session goes back to signing in.
    client.force_login(officer_user)
    response = publish(client, review, meeting)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # A backend that lets inactive accounts in still meets the view's refusal.
    allow_all = "django.contrib.auth.backends.AllowAllUsersModelBackend"
    settings.AUTHENTICATION_BACKENDS = [allow_all]
    client.force_login(officer_user, backend=allow_all)
    assert publish(client, review, meeting).status_code == 403
    # An account switched off has no role (scrutiny.permissions.has_role): it sees nothing.
    page = client.get(reverse("documents_review_export", args=[review.pk]))
    assert page.status_code == 403 and b"Publish to the meeting" not in page.content
    assert not PublishedDocument.objects.exists()


def test_everyone_signed_in_can_download_a_published_copy(
    client, demo, officer_user, councillor_user
):
    client.force_login(officer_user)
    publish(client, merton_2016(), osc_july_2017())
    document = PublishedDocument.objects.get()
    client.force_login(councillor_user)
    assert client.get(document.get_absolute_url()).content == bytes(document.file.content)


def test_publishing_needs_the_meeting(client, demo, officer_user):
    client.force_login(officer_user)
    response = client.post(
        reverse("documents_review_export_publish", args=[merton_2016().pk]), export_data()
    )
    assert response.status_code == 400
    assert "Choose the meeting the document goes to." in response.content.decode()
    assert not PublishedDocument.objects.exists()


def test_publishing_a_meeting_tracker_lists_it_on_the_meeting(client, demo, admin_user):
    client.force_login(admin_user)
    meeting = osc_july_2017()
    response = client.post(
        reverse("documents_meeting_export_publish", args=[meeting.pk]),
        export_data(appendix="Appendix 2"),
    )
    assert response.status_code == 302
    document = PublishedDocument.objects.get()
    assert document.kind == "meeting_tracker" and document.appendix_label == "Appendix 2"
    html = client.get(reverse("documents_meeting_export", args=[meeting.pk])).content.decode()
    assert "Published copies" in html and document.sha256 in html


def test_published_list_include_renders(demo, officer_user, rf):
    from django.template.loader import render_to_string

    meeting = osc_july_2017()
    empty = render_to_string(
        "documents/_published_list.html",
        {"meeting": meeting, "published_documents": published_documents_for(meeting)},
    )
    assert "No documents have been published" in empty
    assert reverse("documents_meeting_export", args=[meeting.pk]) in empty
    review = merton_2016()
    links = render_to_string(
        "documents/_review_links.html", {"review": review, "as_at": datetime.date(2017, 7, 6)}
    )
    assert reverse("documents_review_plan", args=[review.pk]) + "?as_at=2017-07-06" in links
    assert reverse("documents_review_export", args=[review.pk]) in links


# --- rendering once per content version -----------------------------------------------------


def test_second_download_of_an_unchanged_plan_is_served_from_the_cache(
    client, demo, councillor_user
):
    client.force_login(councillor_user)
    url = reverse("documents_review_plan", args=[merton_2016().pk]) + "?as_at=2017-07-06"
    with mock.patch.object(pdfs, "html_to_pdf", wraps=pdfs.html_to_pdf) as renders:
        first = client.get(url)
        second = client.get(url)
        assert renders.call_count == 1
        assert second.content == first.content
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

        # Any change to a record the plan shows makes a new version of the current plan
        # (the plan as at 6 July 2017 rightly stays as it was: the edit came later).
        now_url = reverse("documents_review_plan", args=[merton_2016().pk])
        before = client.get(now_url)
        assert renders.call_count == 2
        action = ActionPlanItem.objects.get(recommendation__reference="2016/17 R3")
        with acting_as(councillor_user):
            action.timeline = "September 2017"
            action.save()
        after = client.get(now_url)
        assert renders.call_count == 3
        assert after.content != before.content


def test_a_change_elsewhere_does_not_make_the_plan_again(client, demo, councillor_user):
    client.force_login(councillor_user)
    url = reverse("documents_review_plan", args=[merton_2016().pk])
    with mock.patch.object(pdfs, "html_to_pdf", wraps=pdfs.html_to_pdf) as renders:
        client.get(url)
        harrow = Recommendation.objects.filter(review__title__contains="Harrow").first()
        with acting_as(councillor_user):
            harrow.text += " (edited)"
            harrow.save()
        client.get(url)
        assert renders.call_count == 1


# --- large documents in the background ------------------------------------------------------


def test_a_large_document_is_made_by_the_task_and_given_at_once_when_it_runs_at_once(
    client, demo, councillor_user, settings
):
    """With the immediate backend (the tests' own) the task runs within the request."""
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 5  # Merton's 8 count as large here
    client.force_login(councillor_user)
    url = reverse("documents_review_plan", args=[merton_2016().pk]) + "?as_at=2017-07-06"
    with mock.patch.object(service, "make_document", wraps=make_document) as task:
        response = client.get(url)
        again = client.get(url)  # the same version: from the cache, no second task
    assert task.enqueue.call_count == 1
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert again.status_code == 200 and again.content == response.content
    assert "Recommendation" in text_of(response.content)


def test_a_large_document_waits_for_the_worker_on_the_database_backend(
    transactional_db, client, demo, councillor_user, settings
):
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 5
    settings.TASKS = DATABASE_TASKS
    client.force_login(councillor_user)
    url = reverse("documents_review_plan", args=[merton_2016().pk])
    response = client.get(url)
    second = client.get(url)  # the same document: the same task, no second one
    task = DBTaskResult.objects.get()
    job_url = reverse("documents_job_detail", args=[task.id])
    assert response.status_code == 302
    assert response["Location"] == second["Location"] == job_url
    assert task.task_path == "recommendations.documents.tasks.make_document"
    page = client.get(job_url).content.decode()
    assert "Your document is being made" in page and "Check if it is ready" in page
    assert "Action plan: Shared and outsourced services in Merton" in page
    download_url = reverse("documents_job_download", args=[task.id])
    assert client.get(download_url)["Location"] == job_url  # not ready yet

    run_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value["pages"] >= 3
    page = client.get(job_url).content.decode()
    assert "Your document is ready" in page
    download = client.get(download_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    # Made once: the next request of the same version is served from the cache.
    assert client.get(url).content == download.content
    assert DBTaskResult.objects.count() == 1


def test_publishing_a_large_document_happens_when_the_task_runs(
    transactional_db, client, demo, officer_user, settings
):
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 5
    settings.TASKS = DATABASE_TASKS
    client.force_login(officer_user)
    response = publish(client, merton_2016(), osc_july_2017())
    task = DBTaskResult.objects.get()
    assert response["Location"] == reverse("documents_job_detail", args=[task.id])
    assert not PublishedDocument.objects.exists()

    run_worker()

    document = PublishedDocument.objects.get()
    assert document.published_by == officer_user and document.meeting == osc_july_2017()
    assert document.history.get().history_user == officer_user
    page = client.get(response["Location"]).content.decode()
    assert "It has been published to" in page


def test_a_task_that_fails_says_so_on_its_page(
    transactional_db, client, demo, councillor_user, settings
):
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 5
    settings.TASKS = DATABASE_TASKS
    client.force_login(councillor_user)
    response = client.get(reverse("documents_review_plan", args=[merton_2016().pk]))
    with mock.patch.object(pdfs, "html_to_pdf", side_effect=RuntimeError("layout")):
        run_worker()
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "The document could not be made" in text and "layout" not in text
    assert "Go back to the export page" in text


def test_an_unknown_task_is_not_found(client, demo, councillor_user, settings):
    settings.TASKS = DATABASE_TASKS
    client.force_login(councillor_user)
    missing = "9b0a4b7e-0000-4000-8000-000000000000"
    assert client.get(reverse("documents_job_detail", args=[missing])).status_code == 404
    assert client.get(reverse("documents_job_download", args=[missing])).status_code == 404


def test_the_web_never_starts_a_process():
    """Documents are made by the task workers, never by a process a request starts."""
    import recommendations.documents as package

    for source in Path(package.__path__[0]).rglob("*.py"):
        text = source.read_text()
        assert "subprocess" not in text and "Popen" not in text, source


# --- query counts at two data sizes ---------------------------------------------------------


def grow_merton(n: int) -> None:
    """Add ``n`` recommendations to Merton's 2016 review, each with an action and two updates."""
    review = merton_2016()
    meeting = osc_july_2017()
    start = review.recommendations.count() + 1
    for number in range(start, start + n):
        rec = Recommendation.objects.create(
            review=review,
            number=number,
            text=f"That the council does thing {number}.",
            decision="accepted",
            response_date=datetime.date(2016, 11, 14),
        )
        action = ActionPlanItem.objects.create(
            recommendation=rec,
            action=f"Do thing {number}",
            timeline="July 2017",
            target_date=datetime.date(2017, 7, 31),
            status="on_track",
        )
        for day in (1, 5):
            Update.objects.create(
                recommendation=rec,
                action=action,
                date=datetime.date(2017, 7, day),
                text=f"Progress on thing {number}",
                reported_to=meeting,
            )


def published_copy(officer_user) -> PublishedDocument:
    from recommendations.documents.spec import DocumentSpec

    spec = DocumentSpec(
        kind="action_plan", review_id=merton_2016().pk, to_meeting_id=osc_july_2017().pk
    )
    return service.publish(spec, user=officer_user)


PAGES = {
    # name: (url maker, expected queries). A page that shows or filters by statuses reads the
    # council's status key once.
    # An export page offers the front matter's people as the register gives them: the plan's
    # recommendations with their people (one query), or first whether a tracker spans several
    # reviews (one more; the meeting's does, so it reads no people).
    "review export": (lambda: reverse("documents_review_export", args=[merton_2016().pk]), 7),
    "meeting export": (lambda: reverse("documents_meeting_export", args=[osc_july_2017().pk]), 6),
    # The register's filter set reads its years and its selects' choices (the statuses from
    # the key): six queries. The account's roles come with the account (``scrutiny.auth``).
    "tracker export": (lambda: reverse("documents_tracker_export") + "?status=on_track", 9),
    # A document's content key is the digest of its HTML: making it needs no query beyond the
    # content's. As at a date, the updates' people are read by id: the officers, and who
    # entered each; the recommendations' keys are a subquery of the others (load_plan).
    "plan, made now": (
        lambda: reverse("documents_review_plan", args=[merton_2016().pk]) + "?as_at=2017-07-06",
        13,
    ),
    "plan, now": (lambda: reverse("documents_review_plan", args=[merton_2016().pk]), 7),
    # A meeting's tracker also lists the updates its round requested and did not get back
    # (here the meeting has none: one query).
    "meeting tracker": (
        lambda: reverse("documents_meeting_tracker", args=[osc_july_2017().pk]) + "?pad=1",
        10,
    ),
    "tracker": (lambda: reverse("documents_tracker") + "?q=council&status=on_track", 7),
}


def count(client, django_assert_num_queries, url: str, expected: int) -> None:
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_data(
    client, demo, officer_user, django_assert_num_queries, page, settings
):
    settings.DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = 1000
    client.force_login(officer_user)
    make_url, expected = PAGES[page]
    url = make_url()
    client.get(url)  # warm the per-process caches (content types, the year choices)
    pdfs.documents_cache().clear()  # so the document is made again, in the counted request
    count(client, django_assert_num_queries, url, expected)
    grow_merton(12)
    pdfs.documents_cache().clear()
    count(client, django_assert_num_queries, make_url(), expected)


def test_cached_download_and_other_pages_keep_their_query_counts(
    client, demo, officer_user, django_assert_num_queries, settings
):
    client.force_login(officer_user)
    plan = reverse("documents_review_plan", args=[merton_2016().pk])
    document = published_copy(officer_user)
    settings.TASKS = DATABASE_TASKS
    from recommendations.documents.spec import DocumentSpec

    spec = DocumentSpec(kind="action_plan", review_id=merton_2016().pk)
    queued = make_document.enqueue(spec.to_json(), estimated_seconds=3)
    job_url = reverse("documents_job_detail", args=[queued.id])
    client.get(plan)
    for size in ("demo", "larger"):
        with django_assert_num_queries(CACHED_PLAN):
            assert client.get(plan).status_code == 200
        with django_assert_num_queries(3):
            assert client.get(document.get_absolute_url()).status_code == 200
        # the session and user, the task, the tasks ahead of it and the review's title
        with django_assert_num_queries(5):
            assert client.get(job_url).status_code == 200
        if size == "demo":
            grow_merton(12)
            client.get(plan)  # the new version, made once


# The session and user, the review, and the plan's content, whose HTML gives the content key
# (key.py): as many as making it.
CACHED_PLAN = 7


def test_a_meeting_tracker_goes_to_its_own_meeting(client, demo, councillor_user):
    client.force_login(councillor_user)
    meeting = osc_july_2017()
    other = AgendaItem.objects.get(meeting__date="2016-11-14")
    url = reverse("documents_meeting_tracker", args=[meeting.pk])
    assert client.get(url + f"?agenda_item={other.pk}").status_code == 400
    cabinet = Meeting.objects.get(date="2016-11-14")
    assert client.get(url + f"?to_meeting={cabinet.pk}").status_code == 400


def test_the_meeting_page_lists_published_documents_and_the_review_links_the_plan(
    client, demo, officer_user, councillor_user
):
    client.force_login(officer_user)
    review, meeting = merton_2016(), osc_july_2017()
    publish(client, review, meeting)
    document = PublishedDocument.objects.get()
    client.force_login(councillor_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert document.get_absolute_url() in html and document.sha256 in html
    html = client.get(review.get_absolute_url()).content.decode()
    assert reverse("documents_review_plan", args=[review.pk]) in html
    assert reverse("documents_review_export", args=[review.pk]) in html


@pytest.mark.parametrize("path", ["review", "meeting", "register"])
def test_councillors_are_not_offered_publish(client, demo, councillor_user, officer_user, path):
    """Publishing is for those who keep the register: a councillor's pages offer export only."""
    from reviews.models import Meeting, Review

    urls = {
        "review": Review.objects.get(title="Shared and outsourced services in Merton"),
        "meeting": Meeting.objects.get(date="2017-07-06"),
        "register": None,
    }
    record = urls[path]
    url = record.get_absolute_url() if record else "/recommendations/"
    client.force_login(councillor_user)
    page = client.get(url).content.decode()
    assert "publish the" not in page.lower()
    assert "Export" in page
    client.force_login(officer_user)
    page = client.get(url).content.decode()
    if path != "register":  # the register page does not read the user's role
        assert "Export or publish" in page
