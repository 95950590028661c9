"""The demonstration data matches the seeds and loads idempotently."""

import datetime
import io

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from recommendations.models import ActionPlanItem, Recommendation, Update
from reviews.models import AgendaItem, Committee, Councillor, Meeting, Officer, Review, ReviewMember
from scrutiny.accounts import services
from scrutiny.accounts.models import AccountEvent

D = datetime.date
AUDITED = [
    Committee,
    Meeting,
    AgendaItem,
    Officer,
    Councillor,
    Review,
    ReviewMember,
    Recommendation,
    ActionPlanItem,
    Update,
]


def counts():
    return {m.__name__: (m.objects.count(), m.history.count()) for m in AUDITED} | {
        "users": User.objects.count()
    }


def test_load_demo_twice_changes_nothing(db):
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    versions = list(Recommendation.objects.values_list("pk", "version"))
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert list(Recommendation.objects.values_list("pk", "version")) == versions


def test_load_demo_prints_the_accounts_and_says_they_are_for_demonstration(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "demonstration only" in out
    for username in ["officer", "leadofficer", "councillor", "admin"]:
        assert f"username {username}" in out
    for username, role in [
        ("officer", "Scrutiny officers"),
        ("leadofficer", "Lead officers"),
        ("councillor", "Councillors"),
        ("admin", "Administrators"),
    ]:
        user = User.objects.get(username=username)
        assert user.groups.filter(name=role).exists()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="leadofficer").officer.name == "Sophie Ellis"


def test_twenty_recommendations_from_the_seeds(demo):
    assert Recommendation.objects.count() == 20
    by_review = {r.title: r.recommendations.count() for r in Review.objects.all()}
    assert by_review == {
        "Shared services in Merton": 9,
        "Shared and outsourced services in Merton": 8,
        "Shared services scrutiny review (Harrow)": 3,
        "Shared services review group (county council)": 0,
    }


def test_merton_2015_paragraph_references_and_bodies(demo):
    recs = Recommendation.objects.filter(review__title="Shared services in Merton")
    assert [r.paragraph_reference for r in recs] == [
        f"paragraph {n}" for n in (14, 22, 29, 49, 50, 53, 54, 62, 63)
    ]
    bodies = [r.responsible_body.short_name for r in recs]
    assert bodies == ["OSC", "Cabinet", "Cabinet", "Cabinet", "Cabinet", "OSC", "OSC", "OSC", "OSC"]
    r5 = recs.get(number=5)
    assert r5.responsible_body_note == "delegated to CMT"
    assert r5.text.endswith(
        "there is a standardised approach to modelling proposed new shared services."
    )
    assert recs.get(number=1).text.startswith(
        "We recommend that the Head of Democracy Services contacts"
    )
    assert [r.reference for r in recs][:2] == ["2015/16 R1", "2015/16 R2"]
    review = Review.objects.get(title="Shared services in Merton")
    assert review.members.count() == 5
    assert review.members.get(role="chair").councillor.name == "Peter Southgate"


def test_merton_2016_plan_and_the_july_2017_updates(demo):
    review = Review.objects.get(title="Shared and outsourced services in Merton")
    assert review.report_received_on == D(2016, 11, 14)
    assert review.response_deadline == D(2017, 1, 13)  # two months beginning with 14 November
    recs = list(review.recommendations.all())
    assert [r.number for r in recs] == list(range(1, 9))
    assert all(r.decision == "accepted" for r in recs)
    assert [r.reference for r in recs] == [f"2016/17 R{n}" for n in range(1, 9)]
    timelines = [r.actions.get().timeline for r in recs]
    assert timelines == [
        "Late 2017",
        "June 2017",
        "TBC with Head of Democratic Services",
        "August 2017",
        "Ongoing to mid 2018 June 2017",
        "July",
        "July",
        "Ongoing",
    ]
    updates = Update.objects.filter(reported_to__date=D(2017, 7, 6))
    assert updates.count() == 8
    starts = {
        1: "The biennial Target Operating Model refresh process begins in the autumn of 2017.",
        2: "A draft set of guiding principles has been developed",
        3: "The Assistant Director of Business Improvement will liaise",
        4: "This is built into the activity set out against Recommendation 2 above.",
        5: "The programme of leadership development continues",
        6: "Interviews are being carried out with managers already in shared services",
        7: "This update responds to this recommendation.",
        8: "CMT continues to discharge this recommendation through the forward plan",
    }
    for update in updates.select_related("recommendation", "action"):
        assert update.recommendation.review == review
        assert update.text.startswith(starts[update.recommendation.number])
        assert update.action.recommendation == update.recommendation


def test_harrow_deadline_extended_to_september_2021_with_the_reason(demo):
    review = Review.objects.get(title="Shared services scrutiny review (Harrow)")
    assert review.response_deadline == D(2021, 9, 30)
    assert "suspend Rule 36.5" in review.extension_reason
    assert review.is_response_overdue(today=D(2021, 10, 1))
    assert [r.reference for r in review.recommendations.all()] == [
        "2020/21 R1",
        "2020/21 R2",
        "2020/21 R3",
    ]


def test_county_review_still_gathering_evidence(demo):
    review = Review.objects.get(title="Shared services review group (county council)")
    assert review.status == "evidence_gathering"
    assert review.municipal_year == "2011/12"
    assert review.commissioning_committee.meetings.filter(date=D(2012, 2, 21)).exists()


def test_demonstration_accounts_roles_are_account_events_on_the_audit_page(client, admin_user):
    call_command("load_demo", stdout=io.StringIO())
    events = set(
        AccountEvent.objects.filter(reason="Demonstration data").values_list(
            "account__username", "kind", "role"
        )
    )
    for username, role in [
        ("officer", "Scrutiny officers"),
        ("leadofficer", "Lead officers"),
        ("councillor", "Councillors"),
        ("admin", "Administrators"),
    ]:
        assert (username, "created", "") in events
        assert (username, "role_granted", role) in events
    assert ("admin", "superuser_granted", "") in events
    client.force_login(admin_user)
    page = client.get(reverse("audit")).content.decode()
    assert "Role given: Lead officers" in page
    assert "Demonstration data" in page
    # Loading again gives no role twice and writes no event.
    before = AccountEvent.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert AccountEvent.objects.count() == before


def test_a_demonstration_account_that_lost_its_role_gets_it_back_as_an_event(db):
    call_command("load_demo", stdout=io.StringIO())
    officer = User.objects.get(username="officer")
    services.account_roles_set(user=officer, roles=[], by=officer, reason="Testing")
    call_command("load_demo", stdout=io.StringIO())
    assert officer.groups.filter(name="Scrutiny officers").exists()
    latest = AccountEvent.objects.filter(account=officer).latest("pk")
    assert (latest.kind, latest.role, latest.reason) == (
        "role_granted",
        "Scrutiny officers",
        "Demonstration data",
    )
