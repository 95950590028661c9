"""Every list and detail page reads the same number of queries at two data sizes: the
demonstration data, and ten times more. A count that grows with the data is an N+1."""

import datetime

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations.models import ActionPlanItem, Recommendation
from reviews.models import (
    AgendaItem,
    Committee,
    Councillor,
    Meeting,
    Officer,
    PartnerKind,
    PartnerOrganisation,
    Review,
)
from scrutiny import roles

from .conftest import make_user


def merton_2016():
    return Review.objects.get(title="Shared and outsourced services in Merton")


PAGES = {
    "dashboard": lambda: "/",
    "my actions (no officer record)": lambda: "/my-actions/",
    "review list": lambda: "/reviews/",
    "review list filtered": lambda: "/reviews/?status=monitoring&q=services",
    "review detail": lambda: merton_2016().get_absolute_url(),
    "review as at": lambda: merton_2016().get_absolute_url() + "?as_at=2017-07-06",
    "review history": lambda: f"/reviews/{merton_2016().pk}/history/",
    "recommendation list": lambda: "/recommendations/",
    "recommendation list filtered": lambda: (
        "/recommendations/?q=council&decision=accepted&sort=-updated"
    ),
    "recommendation detail": lambda: Recommendation.objects.get(
        reference="2016/17 R2"
    ).get_absolute_url(),
    "recommendation as at": lambda: (
        Recommendation.objects.get(reference="2016/17 R2").get_absolute_url() + "?as_at=2017-07-06"
    ),
    "recommendation history": lambda: (
        f"/recommendations/{Recommendation.objects.get(reference='2016/17 R2').pk}/history/"
    ),
    "meeting list": lambda: "/meetings/",
    "meeting detail (scrutiny)": lambda: Meeting.objects.get(date="2017-07-06").get_absolute_url(),
    "committee list": lambda: "/committees/",
    "committee detail": lambda: Meeting.objects.get(date="2017-07-06").committee.get_absolute_url(),
}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_data(client, councillor_user, bigger):
    client.force_login(councillor_user)
    urls = {page: make_url() for page, make_url in PAGES.items()}
    for url in urls.values():
        count_queries(client, url)  # warm per-process caches (content types, sessions)
    small = {page: count_queries(client, url) for page, url in urls.items()}
    bigger(18)  # 4 reviews and 20 recommendations become 22 and 200: ten times more
    assert Recommendation.objects.count() == 200
    large = {page: count_queries(client, url) for page, url in urls.items()}
    grew = {page: (small[page], large[page]) for page in urls if large[page] != small[page]}
    assert not grew, f"query counts that grew with the data (demo, ten times): {grew}"
    # A page "as at" a date rebuilds the records from their history and reads each table they
    # name once (officers, committees, meetings, councillors, who entered each update, the
    # status key): one more than a page of the records as they are.
    ceiling = {page: 16 if page.endswith("as at") else 15 for page in small}
    too_many = {page: n for page, n in small.items() if n > ceiling[page]}
    assert not too_many, f"pages over their ceiling of queries: {too_many}"


def test_pages_read_without_server_side_cursors(client, councillor_user, demo):
    """Iterating a model choice field's choices uses ``QuerySet.iterator()``: on PostgreSQL a
    server-side cursor, three round trips for a list of names. The filter forms read their
    choices with ordinary queries (``read_choices_once``)."""
    client.force_login(councillor_user)
    for page, make_url in PAGES.items():
        url = make_url()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        cursors = [q["sql"][:80] for q in ctx.captured_queries if "CURSOR" in q["sql"].upper()]
        assert not cursors, f"{page}: {cursors}"


PEOPLE_PAGES = {
    "officer list": lambda: "/officers/",
    "officer list searched": lambda: "/officers/?q=officer",
    "partner list": lambda: "/partners/",
    "councillor list": lambda: "/councillors/",
    "officer history": lambda: f"/officers/{Officer.objects.get(name='Ged Curran').pk}/history/",
    "partner history": lambda: (
        f"/partners/{PartnerOrganisation.objects.get(name='Achieving for Children').pk}/history/"
    ),
    "councillor history": lambda: (
        f"/councillors/{Councillor.objects.get(name='Peter Southgate').pk}/history/"
    ),
    "agenda item history": lambda: f"/agenda-items/{july_2017_item().pk}/history/",
    "meeting detail with its agenda": lambda: july_2017_item().meeting.get_absolute_url(),
}


def july_2017_item():
    return AgendaItem.objects.filter(meeting__date="2017-07-06").order_by("pk").first()


def add_people(n: int, start: int = 0) -> None:
    """``n`` partner organisations, each with contacts (some signing in), ``6 * n`` officers
    and councillors, ``2 * n`` agenda items on the July 2017 meeting, and ``n`` edits of
    each record whose history page is counted."""
    meeting = july_2017_item().meeting
    for i in range(start, start + n):
        partner = PartnerOrganisation(name=f"Partner {i}", kind=PartnerKind.HEALTH)
        partner.save()
        for j in range(6):
            user = None
            if j % 2:
                user = User.objects.create_user(username=f"officer-{i}-{j}", is_active=j != 3)
            Officer(
                name=f"Officer {i}.{j}",
                job_title="Officer",
                department="" if j < 2 else "Corporate Services",
                partner=partner if j < 2 else None,
                user=user,
            ).save()
            Councillor(name=f"Member {i}.{j}", role="Member", ward=f"Ward {j}").save()
        for j in range(2):
            AgendaItem(meeting=meeting, reference=f"{i}.{j}", title=f"Item {i}.{j}").save()
    records = [
        Officer.objects.get(name="Ged Curran"),
        PartnerOrganisation.objects.get(name="Achieving for Children"),
        Councillor.objects.get(name="Peter Southgate"),
        july_2017_item(),
    ]
    partners = list(PartnerOrganisation.objects.all())
    for i in range(start, start + n):
        for record in records:
            if isinstance(record, Officer):
                record.partner = partners[i % len(partners)]
            for name in ("phone", "description", "ward", "reference"):
                if hasattr(record, name):
                    setattr(record, name, f"{name} {i}")
            record.save(reason=f"Edit {i}")


def test_people_pages_do_not_grow_with_the_data(client, councillor_user, demo):
    client.force_login(councillor_user)
    add_people(1)  # so that each history page has a change of every kind it can show
    urls = {page: make_url() for page, make_url in PEOPLE_PAGES.items()}
    for url in urls.values():
        count_queries(client, url)
    small = {page: count_queries(client, url) for page, url in urls.items()}
    add_people(12, start=1)
    assert Officer.objects.count() > 70 and Councillor.objects.count() > 70
    large = {page: count_queries(client, url) for page, url in urls.items()}
    grew = {page: (small[page], large[page]) for page in urls if large[page] != small[page]}
    assert not grew, f"query counts that grew with the data: {grew}"
    too_many = {page: n for page, n in small.items() if n > 15}
    assert not too_many, f"pages over 15 queries: {too_many}"


def due_today(owner, today) -> None:
    for action in ActionPlanItem.objects.filter(owner=owner).exclude(target_date=today):
        action.target_date = today
        action.save(update_recommendation=False)


def test_an_officers_and_a_councillors_own_pages_do_not_grow_with_the_data(
    client, lead_officer_user, officer_user, bigger
):
    """ "My actions" for an officer who owns every action of the added reviews (and leads
    their recommendations), and the dashboard of a councillor who sits on the committee
    monitoring them, with a meeting to come (actions due by it) and one just held (changes
    since): the same queries at two sizes, while the lists grow."""
    bigger(2)
    owner = Officer.objects.get(name="Extra Officer")
    owner.user = lead_officer_user
    owner.save()
    panel = Committee.objects.get(name="Extra Scrutiny Panel")
    member = Councillor.objects.get(name="Extra Member")
    member.user = make_user("cllr-extra", roles.COUNCILLOR)
    member.save()
    member.committees.set([panel])
    today = timezone.localdate()
    Meeting.objects.create(committee=panel, date=today - datetime.timedelta(days=1))
    Meeting.objects.create(committee=panel, date=today + datetime.timedelta(days=60))
    due_today(owner, today)  # due by the next meeting
    pages = {
        "my actions": (lead_officer_user, "/my-actions/"),
        "dashboard (councillor)": (member.user, "/"),
        "dashboard (officer)": (officer_user, "/"),
    }

    def counts():
        found = {}
        for page, (user, url) in pages.items():
            client.force_login(user)
            count_queries(client, url)  # warm per-process caches
            found[page] = count_queries(client, url)
        return found

    small = counts()
    owned = ActionPlanItem.objects.filter(owner=owner).count()
    bigger(18)
    due_today(owner, today)
    assert ActionPlanItem.objects.filter(owner=owner).count() == 10 * owned
    large = counts()
    assert small == large, f"query counts that grew with the data: {small} then {large}"
    assert max(small.values()) <= 15, small


EXPORTS = {
    "reviews workbook": "/reviews/export.xlsx",
    "reviews CSV": "/reviews/export.csv?status=monitoring",
    "recommendations workbook": "/recommendations/export.xlsx",
    "recommendations workbook filtered": "/recommendations/export.xlsx?q=council&sort=-updated",
    "recommendations CSV": "/recommendations/export.csv",
    "actions CSV": "/recommendations/export.csv?list=actions",
    "updates CSV": "/recommendations/export.csv?list=updates&decision=accepted",
}


def count_download_queries(client, url: str) -> int:
    """Queries of a download, its body read to the end (a streamed CSV reads as it goes)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def test_exports_read_the_same_queries_whatever_the_size(client, councillor_user, bigger):
    """The registers' exports read a fixed number of queries: the workbook of the
    recommendations register one a list (recommendations, actions, updates)."""
    client.force_login(councillor_user)
    for url in EXPORTS.values():
        count_download_queries(client, url)  # warm per-process caches
    small = {name: count_download_queries(client, url) for name, url in EXPORTS.items()}
    bigger(18)
    large = {name: count_download_queries(client, url) for name, url in EXPORTS.items()}
    assert small == large, f"query counts that grew with the data: {small} then {large}"
    assert max(small.values()) <= 10, small


def add_round_owners(update_round, officer_user, start: int, count: int) -> None:
    """``count`` more owners in ``update_round``, each asked about two actions of a
    recommendation of their own, their request sent and one return submitted."""
    from recommendations.rounds import services

    review = Review.objects.get(title="Shared services")
    cabinet = Committee.objects.get(name="Cabinet")
    for n in range(start, start + count):
        owner = Officer.objects.create(name=f"Owner {n:03d}", email=f"owner{n}@council.example")
        rec = Recommendation.objects.create(
            review=review,
            number=n + 1,
            text="That the council acts.",
            decision="accepted",
            responsible_body=cabinet,
            lead_officer=owner,
        )
        for number in (1, 2):
            action = ActionPlanItem.objects.create(recommendation=rec, number=number, owner=owner)
            item = services.round_add_item(
                update_round=update_round,
                recommendation=rec,
                action=action,
                owner=owner,
                user=officer_user,
            )
        services.request_send(request=item.request, user=officer_user)
        services.return_save(
            item=item, data=services.ReturnInput(text="Done"), written_by=owner, submit=True
        )


def test_the_round_page_reads_the_same_queries_a_page_of_owners_at_a_time(
    client, officer_user, committee, review, cabinet, mailoutbox
):
    """The round's page at 3 owners (one page) and at 13 (three pages of five): the state
    counts in one query, one page of owners and their items, whatever the round's size;
    filtered by state, and on its last page, the same."""
    from unittest import mock

    from recommendations.rounds import services

    meeting = Meeting.objects.create(
        committee=committee, date=timezone.localdate() + datetime.timedelta(days=40)
    )
    update_round = services.round_open(meeting=meeting, user=officer_user)
    url = update_round.get_absolute_url()
    pages = {
        "round": url,
        "round filtered": url + "?state=submitted",
        "round, last page": url + "?page=3",
        "round filtered, outstanding": url + "?state=outstanding&page=2",
    }
    client.force_login(officer_user)

    def counts():
        found = {}
        for page, page_url in pages.items():
            count_queries(client, page_url)  # warm per-process caches
            found[page] = count_queries(client, page_url)
        return found

    with mock.patch("recommendations.rounds.reads.OWNERS_PER_PAGE", 5):
        add_round_owners(update_round, officer_user, 0, 3)
        small = counts()
        add_round_owners(update_round, officer_user, 3, 10)
        large = counts()
        assert "Owners 11 to 13 of 13." in client.get(url + "?page=3").content.decode()
    assert small == large, f"query counts that grew with the round: {small} then {large}"
    # The session and user, the round, its counts by state, the page's count of owners, their
    # requests, items and reminders, and the emails sent (the latest, and how many).
    assert set(small.values()) == {10}, small


def test_an_import_preview_does_not_grow_with_the_rows(
    client, officer_user, demo, settings, tmp_path
):
    """The check of an uploaded tracker reads the register once, however many rows the file
    has: five rows, then fifty (new and known officers, committees, references)."""
    import io

    import openpyxl

    from recommendations.imports import find_layout, guess_mapping, read_sheet
    from recommendations.models import TrackerImport

    settings.VAR_DIR = tmp_path

    def uploaded(rows: int) -> str:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Ref", "Committee", "Recommendation", "Lead officer", "Action", "RAG"])
        for i in range(rows):
            sheet.append(
                [
                    f"Q {i}",
                    "Merton Overview and Scrutiny Commission" if i % 2 else f"Panel {i}",
                    f"That thing {i} is done.",
                    "Sophie Ellis" if i % 3 else f"Officer {i}",
                    f"Action {i}",
                    "Complete" if i % 2 else "On hold (budget)",
                ]
            )
        data = io.BytesIO()
        book.save(data)
        batch = TrackerImport(filename=f"{rows}.xlsx")
        batch.directory.mkdir(parents=True)
        batch.path.write_bytes(data.getvalue())
        batch.mapping = guess_mapping(find_layout(read_sheet(batch.path, batch.filename).rows))
        fields = ["reference", "committee", "recommendation", "lead_officer", "action", "status"]
        assert batch.mapping == fields
        batch.save()
        return batch.get_absolute_url()

    client.force_login(officer_user)
    small_url, large_url = uploaded(5), uploaded(50)
    count_queries(client, small_url)  # warm per-process caches
    small, large = count_queries(client, small_url), count_queries(client, large_url)
    assert small == large, (small, large)
    page = client.get(large_url).content.decode()
    assert "Add “Officer 3” as a new officer" in page and "with the reason “budget”" in page


def calendar_upload_queries(client, committee, n: int, start: int) -> int:
    """Give the committee ``n`` more meetings from its calendar (half of them with an agenda
    item), then count the queries of reading a calendar that adds ``n`` meetings, moves the
    first half and cancels the others (some with records attached, some without)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .fixtures.modern_gov import HOST, Event, london, modern_gov_ics

    events = []
    for i in range(start, start + n):
        day = datetime.date(2030, 1, 1) + datetime.timedelta(days=7 * i)
        meeting = Meeting(committee=committee, date=day, calendar_uid=f"mgMeeting{i}@{HOST}")
        meeting.save()
        if i % 2:
            AgendaItem(meeting=meeting, reference="1", title="Minutes").save()
    for i in range(start + n):
        day = datetime.date(2030, 1, 1) + datetime.timedelta(days=7 * i)
        moved = i < (start + n) // 2
        events.append(
            Event(
                i,
                london(day.year, day.month, day.day, 18 if moved else 19, 0),
                status="CONFIRMED" if moved else "CANCELLED",
            )
        )
        events.append(Event(10_000 + i, london(2040, 1, 1, 19, 0) + datetime.timedelta(days=i)))
    data = modern_gov_ics(events)
    url = f"/committees/{committee.pk}/calendar/"
    file = SimpleUploadedFile("osc.ics", data, content_type="text/calendar")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, {"step": "upload", "file": file})
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("New meetings", "Moved or changed", "remove the meeting", "kept here"):
        assert section in html, section
    return len(ctx.captured_queries)


def test_the_calendar_confirmation_page_does_not_grow_with_the_calendar(
    client, officer_user, committee
):
    client.force_login(officer_user)
    calendar_upload_queries(client, committee, 4, 0)  # warm per-process caches
    small = calendar_upload_queries(client, committee, 4, 4)
    large = calendar_upload_queries(client, committee, 40, 8)
    assert small == large, (small, large)
    assert small <= 15, small


def test_the_audit_page_does_not_grow_with_the_data(client, admin_user, bigger):
    """The Audit page: every history table walked (one query per table, a page of 2,000 rows
    at a time), and the latest account events with their accounts (one query)."""
    from scrutiny.accounts.services import account_deactivate

    client.force_login(admin_user)

    def leave(n: int, start: int) -> None:
        for i in range(start, start + n):
            user = User.objects.create_user(f"leaver{i}")
            account_deactivate(user=user, by=admin_user, reason=f"Left ({i})")

    leave(2, 0)
    count_queries(client, "/audit/")
    small = count_queries(client, "/audit/")
    bigger(3)
    leave(20, 2)
    large = count_queries(client, "/audit/")
    assert small == large
    assert "The audit trail is intact" in client.get("/audit/").content.decode()
