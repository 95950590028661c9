"""Migrations that move records carry them: run from the state before, with rows made by the
models as they were then, to the latest state, and back."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("recommendations", "0005_search_trigram_indexes"), ("documents", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_published_documents_move_to_the_documents_app_with_their_rows_and_history():
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Committee = old.get_model("reviews", "Committee")
    Meeting = old.get_model("reviews", "Meeting")
    DocumentFile = old.get_model("recommendations", "DocumentFile")
    PublishedDocument = old.get_model("recommendations", "PublishedDocument")
    History = old.get_model("recommendations", "HistoricalPublishedDocument")
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="recommendations", model="publisheddocument")

    user = User.objects.create(username="clerk")
    committee = Committee.objects.create(name="Overview and Scrutiny Commission", kind="scrutiny")
    meeting = Meeting.objects.create(committee=committee, date=datetime.date(2017, 7, 6))
    content = b"%PDF-1.7 the copy that went to the meeting"
    digest = hashlib.sha256(content).hexdigest()
    file = DocumentFile.objects.create(sha256=digest, size=len(content), content=content)
    fields = {
        "meeting": meeting,
        "kind": "tracker",
        "title": "Recommendations tracker",
        "as_at": datetime.date(2017, 7, 6),
        "file": file,
        "sha256": digest,
        "size": len(content),
        "page_count": 3,
        "filename": "tracker.pdf",
        "published_by": user,
    }
    document = PublishedDocument.objects.create(version=1, **fields)
    History.objects.create(
        id=document.pk,
        version=1,
        history_date=datetime.datetime(2017, 7, 1, tzinfo=datetime.UTC),
        history_type="+",
        history_user=user,
        history_change_reason="Published to the meeting",
        **{k: v for k, v in fields.items() if k not in ("meeting", "file", "published_by")},
        meeting_id=meeting.pk,
        file_id=digest,
        published_by_id=user.pk,
    )

    new = migrate(latest())
    Moved = new.get_model("documents", "PublishedDocument")
    moved = Moved.objects.get(pk=document.pk)
    assert bytes(moved.file.content) == content and moved.sha256 == digest
    history = new.get_model("documents", "HistoricalPublishedDocument").objects.get()
    assert history.id == document.pk and history.history_change_reason.startswith("Published")
    assert "documents_publisheddocument" in connection.introspection.table_names()
    assert (
        new.get_model("contenttypes", "ContentType")
        .objects.filter(app_label="documents", model="publisheddocument")
        .exists()
    )

    back = migrate(BEFORE)  # and the way back keeps them too
    assert back.get_model("recommendations", "PublishedDocument").objects.get().sha256 == digest
    migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_the_committees_that_also_monitor_a_review_migrate_both_ways():
    """reviews 0003 adds the link (and its history table) and takes it away again."""
    tables = {
        "reviews_review_monitoring_committees",
        "reviews_historicalreview_monitoring_committees",
    }
    old = migrate([("reviews", "0002_roles")])
    assert not tables & set(connection.introspection.table_names())
    Committee = old.get_model("reviews", "Committee")
    Review = old.get_model("reviews", "Review")
    osc = Committee.objects.create(name="Overview and Scrutiny Commission", kind="scrutiny")
    cabinet = Committee.objects.create(name="Cabinet", kind="executive")
    review = Review.objects.create(
        title="Shared services", review_type="task_group", commissioning_committee=osc, version=1
    )

    new = migrate(latest())
    assert tables <= set(connection.introspection.table_names())
    linked = new.get_model("reviews", "Review").objects.get(pk=review.pk)
    assert list(linked.monitoring_committees.all()) == []  # nothing named until an officer does
    linked.monitoring_committees.add(cabinet.pk)

    back = migrate([("reviews", "0002_roles")])
    assert not tables & set(connection.introspection.table_names())
    assert back.get_model("reviews", "Review").objects.get(pk=review.pk).title == "Shared services"
    migrate(latest())
    assert tables <= set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_references_carry_over_to_the_reference_scheme_unchanged_and_back():
    """recommendations 0007 adds the council's reference scheme: today's, per review, with its
    history row. Every reference stays as it was, generated or typed, and a generated one
    still follows its review (as the pages and documents show it)."""
    before = [
        ("recommendations", "0006_documents_leave_for_their_own_app"),
        ("reviews", "0003_review_monitoring_committees"),
    ]
    old = migrate(before)
    Committee = old.get_model("reviews", "Committee")
    Review = old.get_model("reviews", "Review")
    Recommendation = old.get_model("recommendations", "Recommendation")
    osc = Committee.objects.create(name="Overview and Scrutiny Commission", kind="scrutiny")
    review = Review.objects.create(
        title="Shared and outsourced services",
        review_type="task_group",
        commissioning_committee=osc,
        report_agreed_on=datetime.date(2016, 7, 7),
        reference_prefix="SOS",
        version=1,
    )
    generated = Recommendation.objects.create(
        review=review, number=3, text="That ...", reference="2016/17 SOS R3", version=1
    )
    typed = Recommendation.objects.create(
        review=review,
        number=4,
        text="That ...",
        reference="OSC/2016/4",
        reference_is_generated=False,
        version=1,
    )

    migrate(latest())
    from recommendations.models import Recommendation as Current
    from recommendations.models import ReferenceScheme

    scheme = ReferenceScheme.current()
    assert scheme.kind == "per_review" and scheme.history.count() == 1
    carried = {r.pk: r for r in Current.objects.all()}
    assert carried[generated.pk].reference == "2016/17 SOS R3"
    assert carried[typed.pk].reference == "OSC/2016/4"
    assert all(r.reference_number is None and r.reference_year == "" for r in carried.values())
    carried[generated.pk].save()
    carried[typed.pk].save()
    assert [r.reference for r in Current.objects.order_by("number")] == [
        "2016/17 SOS R3",
        "OSC/2016/4",
    ]

    back = migrate(before)
    assert back.get_model("recommendations", "Recommendation").objects.count() == 2
    assert "recommendations_referencescheme" not in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_officers_organisations_become_partner_organisations_and_back():
    """reviews 0004: each distinct organisation typed on officers, other than the council's
    own, becomes one partner organisation (with its first history row), named on the officer
    and on its history; the way back types the name again."""
    before = [("reviews", "0003_review_monitoring_committees")]
    old = migrate(before)
    Officer = old.get_model("reviews", "Officer")
    HistoricalOfficer = old.get_model("reviews", "HistoricalOfficer")
    moment = datetime.datetime(2017, 7, 1, tzinfo=datetime.UTC)
    officers = {}
    for name, organisation in [
        ("Ged Curran", ""),
        ("Julia Regan", "Demonstration Borough Council"),  # the council's own (its name)
        ("Priya Shah", "Clinical Commissioning Group"),
        ("Tom Lee", " clinical  commissioning group "),  # the same, typed differently
        ("Ann Fox", "Metropolitan Police"),
    ]:
        officer = Officer.objects.create(name=name, organisation=organisation, version=1)
        HistoricalOfficer.objects.create(
            id=officer.pk,
            name=name,
            job_title="",
            organisation=organisation,
            email="",
            phone="",
            version=1,
            created_at=moment,
            updated_at=moment,
            history_date=moment,
            history_type="+",
        )
        officers[name] = officer.pk

    new = migrate(latest())
    Partner = new.get_model("reviews", "PartnerOrganisation")
    assert sorted(Partner.objects.values_list("name", "kind")) == [
        ("Clinical Commissioning Group", "health"),
        ("Metropolitan Police", "police_fire"),
    ]
    History = new.get_model("reviews", "HistoricalPartnerOrganisation")
    assert History.objects.count() == 2 and History.objects.first().history_type == "+"
    moved = new.get_model("reviews", "Officer").objects.in_bulk(list(officers.values()))
    partner_of = {name: moved[pk].partner_id for name, pk in officers.items()}
    ccg = Partner.objects.get(name="Clinical Commissioning Group").pk
    assert partner_of["Ged Curran"] is None and partner_of["Julia Regan"] is None
    assert partner_of["Priya Shah"] == partner_of["Tom Lee"] == ccg
    history = new.get_model("reviews", "HistoricalOfficer").objects.get(id=officers["Tom Lee"])
    assert history.partner_id == ccg and history.department == ""

    back = migrate(before)
    again = back.get_model("reviews", "Officer").objects.get(pk=officers["Tom Lee"])
    assert again.organisation == "Clinical Commissioning Group"
    migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_who_entered_each_update_comes_from_its_history():
    """recommendations 0009: an update's ``entered_by`` is the user on its first history row
    (the author stays as it was)."""
    before = [
        ("recommendations", "0006_documents_leave_for_their_own_app"),
        ("reviews", "0003_review_monitoring_committees"),
    ]
    old = migrate(before)
    User = old.get_model("auth", "User")
    Committee = old.get_model("reviews", "Committee")
    Officer = old.get_model("reviews", "Officer")
    Review = old.get_model("reviews", "Review")
    Recommendation = old.get_model("recommendations", "Recommendation")
    Update = old.get_model("recommendations", "Update")
    History = old.get_model("recommendations", "HistoricalUpdate")
    clerk = User.objects.create(username="clerk")
    editor = User.objects.create(username="editor")
    osc = Committee.objects.create(name="Overview and Scrutiny Commission", kind="scrutiny")
    review = Review.objects.create(
        title="Shared services", review_type="task_group", commissioning_committee=osc, version=1
    )
    rec = Recommendation.objects.create(review=review, number=1, text="That...", version=1)
    ged = Officer.objects.create(name="Ged Curran", version=1)
    update = Update.objects.create(
        recommendation=rec, date=datetime.date(2017, 7, 6), text="Progress", author=ged, version=2
    )
    for n, (user, kind) in enumerate([(clerk, "+"), (editor, "~")], start=1):
        History.objects.create(
            id=update.pk,
            recommendation_id=rec.pk,
            date=update.date,
            text="Progress",
            author_id=ged.pk,
            reported_status="",
            version=n,
            created_at=datetime.datetime(2017, 7, n, tzinfo=datetime.UTC),
            updated_at=datetime.datetime(2017, 7, n, tzinfo=datetime.UTC),
            history_date=datetime.datetime(2017, 7, n, tzinfo=datetime.UTC),
            history_type=kind,
            history_user=user,
        )

    new = migrate(latest())
    moved = new.get_model("recommendations", "Update").objects.get(pk=update.pk)
    assert moved.entered_by_id == clerk.pk and moved.author_id == ged.pk
    rows = new.get_model("recommendations", "HistoricalUpdate").objects.filter(id=update.pk)
    assert {row.entered_by_id for row in rows} == {clerk.pk}
    migrate(before)
    migrate(latest())


# What the pages and documents showed before the key was the council's: each status's words,
# colour and meaning, in the order the key printed them.
TODAYS_KEY = [
    ("achieved", "Achieved", "green", "Achieved: monitoring no longer needed"),
    ("on_track", "Acceptable progress", "yellow", "Acceptable progress: keep monitoring"),
    ("off_track", "Unacceptable progress", "red", "Unacceptable progress"),
    ("not_started", "Not started", "grey", "Not started"),
    ("paused", "Paused", "purple", "Paused"),
    ("not_accepted", "Not accepted", "orange", "Not accepted by the executive"),
    ("closed", "Closed", "blue", "Closed by the committee"),
]
BEFORE_KEY = [
    ("recommendations", "0006_documents_leave_for_their_own_app"),
    ("reviews", "0003_review_monitoring_committees"),
]


@pytest.mark.django_db(transaction=True)
def test_todays_statuses_carry_to_the_councils_key_and_hand_set_ends_are_let_go():
    """recommendations 0010-0011: today's key, exactly, in the table; no record's status code
    changes, except a hand-set "Closed" or "Not accepted" that the record does not bear out."""
    from recommendations.statuses import KeyEntry, StatusKey

    old = migrate(BEFORE_KEY)
    Committee = old.get_model("reviews", "Committee")
    Review = old.get_model("reviews", "Review")
    Recommendation = old.get_model("recommendations", "Recommendation")
    Action = old.get_model("recommendations", "ActionPlanItem")
    osc = Committee.objects.create(name="Overview and Scrutiny Commission", kind="scrutiny")
    review = Review.objects.create(
        title="Shared services", review_type="task_group", commissioning_committee=osc, version=1
    )

    def recommendation(number, **values):
        return Recommendation.objects.create(review=review, number=number, text="T", **values)

    by_hand = recommendation(1, status="closed", status_set_by_officer="closed", version=1)
    Action.objects.create(recommendation=by_hand, action="A", status="on_track", version=1)
    rejected = recommendation(
        2,
        status="not_accepted",
        status_set_by_officer="not_accepted",
        decision="rejected",
        response_text="Not now",
        version=1,
    )
    paused = recommendation(3, status="paused", status_set_by_officer="paused", version=1)

    new = migrate(latest())
    rows = new.get_model("recommendations", "StatusKeyEntry").objects.order_by("order")
    key = StatusKey(
        [
            KeyEntry(r.code, r.label, r.category, r.colour, r.meaning, r.order, r.requires_reason)
            for r in rows
        ]
    )
    assert [(e.code, e.label, e.colour, e.meaning) for e in key.entries] == TODAYS_KEY
    assert all(e.code == e.category for e in key.entries)
    assert new.get_model("recommendations", "HistoricalStatusKeyEntry").objects.count() == 7

    Migrated = new.get_model("recommendations", "Recommendation")
    after = {r.pk: r for r in Migrated.objects.all()}
    assert (after[by_hand.pk].status, after[by_hand.pk].status_set_by_officer) == ("on_track", "")
    assert (after[rejected.pk].status, after[rejected.pk].status_set_by_officer) == (
        "not_accepted",
        "",
    )
    assert (after[paused.pk].status, after[paused.pk].status_set_by_officer) == ("paused", "paused")
    History = new.get_model("recommendations", "HistoricalRecommendation")
    reasons = {h.id: h.history_change_reason for h in History.objects.all()}
    assert reasons[by_hand.pk].startswith("“Closed” comes only from the committee's closure")
    assert "record the closure" in reasons[by_hand.pk]
    assert reasons[rejected.pk].endswith("What it shows is unchanged.")
    assert paused.pk not in reasons

    migrate(BEFORE_KEY)  # and back: the statuses stay as they are
    assert "recommendations_statuskeyentry" not in connection.introspection.table_names()
    migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_a_councillors_account_and_committees_migrate_both_ways():
    """reviews 0006 adds a councillor's account and committees (with the committees' history
    table); councillors keep their names and roles both ways, linked to nothing at first."""
    tables = {"reviews_councillor_committees", "reviews_historicalcouncillor_committees"}
    before = ("reviews", "0003_review_monitoring_committees")
    old = migrate([before])
    assert not tables & set(connection.introspection.table_names())
    Councillor = old.get_model("reviews", "Councillor")
    peter = Councillor.objects.create(name="Peter Southgate", role="Chair", version=1)

    new = migrate(latest())
    assert tables <= set(connection.introspection.table_names())
    linked = new.get_model("reviews", "Councillor").objects.get(pk=peter.pk)
    assert linked.user_id is None and list(linked.committees.all()) == []
    osc = new.get_model("reviews", "Committee").objects.create(name="OSC", kind="scrutiny")
    linked.committees.add(osc.pk)

    back = migrate([before])
    assert not tables & set(connection.introspection.table_names())
    kept = back.get_model("reviews", "Councillor").objects.get(pk=peter.pk)
    assert (kept.name, kept.role) == ("Peter Southgate", "Chair")
    migrate(latest())
