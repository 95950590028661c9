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
def test_a_councillors_account_and_committees_migrate_both_ways():
    """reviews 0004 adds a councillor's account and committees (with the committees' history
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
