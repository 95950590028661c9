"""An audit trail nobody can quietly weaken: accounts deactivated, never deleted; the admin
cannot revert, delete or edit the register; role and account changes recorded; every history
row's hash chained to the row before it, and a row changed, removed or slipped in outside the
app found."""

import concurrent.futures
import io
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import ProtectedError
from django.urls import reverse

from recommendations.models import StatusKeyEntry
from reviews.models import Committee, CommitteeKind, Review
from scrutiny import roles
from scrutiny.accounts import services
from scrutiny.accounts.models import AccountEvent
from scrutiny.audit import acting_as
from scrutiny.hashchain import history_models, m2m_history_models, verify, verify_table
from scrutiny.services import record_save
from tests.conftest import make_user

HistoricalCommittee = Committee.history.model


def _committees(count: int, user, prefix: str = "Panel") -> list[Committee]:
    made = []
    for n in range(count):
        committee = Committee(name=f"{prefix} {n}", kind=CommitteeKind.SCRUTINY)
        made.append(record_save(record=committee, user=user, reason=f"{prefix} {n} set up"))
    return made


def _sql(statement: str, params=()) -> None:
    """The only write here that bypasses the app: what someone with the database could do."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, err.getvalue()
    return 0, out.getvalue()


# --- the hash chain ---------------------------------------------------------------------------


def test_every_history_table_carries_the_chain():
    tables = {m._meta.label for m in history_models()}
    assert {
        "reviews.HistoricalReview",
        "recommendations.HistoricalRecommendation",
        "recommendations.HistoricalUpdate",
        "documents.HistoricalPublishedDocument",
        "rounds.HistoricalReturn",
        "accounts.HistoricalAccountEvent",
    } <= tables


def test_demonstration_data_is_intact_and_verify_audit_says_so(demo):
    code, said = _verify()
    assert code == 0, said
    report = verify()
    assert report.intact and report.rows > 50
    assert f"The audit trail is intact ({report.rows} rows in" in said


def test_a_history_row_edited_in_sql_is_found_by_table_id_and_date(admin_user):
    _committees(3, admin_user)
    middle = HistoricalCommittee.objects.order_by("history_id")[1]
    table = HistoricalCommittee._meta.db_table
    _sql(f"UPDATE {table} SET name = %s WHERE history_id = %s", ["Forged", middle.history_id])
    code, said = _verify()
    assert code == 1
    assert f"{table}, history_id {middle.history_id} ({middle.history_date.isoformat()})" in said
    assert "content does not match its hash" in said


def test_a_history_row_whose_hash_was_recomputed_breaks_the_link_after_it(admin_user):
    _committees(3, admin_user)
    _first, second, third = HistoricalCommittee.objects.order_by("history_id")
    table = HistoricalCommittee._meta.db_table
    # Change a row and give it a hash that matches its new content: the next row's link fails.
    _sql(f"UPDATE {table} SET history_user_id = NULL WHERE history_id = %s", [second.history_id])
    from scrutiny.hashchain import _rows_with_children, chain_hash

    content = next(
        c
        for pk, _s, _p, c, _d in _rows_with_children(HistoricalCommittee, "default")
        if pk == second.history_id
    )
    _sql(
        f"UPDATE {table} SET history_hash = %s WHERE history_id = %s",
        [chain_hash(second.history_previous_hash, content), second.history_id],
    )
    _count, broken = verify_table(HistoricalCommittee)
    assert broken.history_id == third.history_id
    assert "does not follow the row before it" in broken.problem


def test_a_deleted_row_in_the_middle_is_found_and_new_rows_continue_the_chain(admin_user):
    _committees(4, admin_user)
    rows = list(HistoricalCommittee.objects.order_by("history_id"))
    table = HistoricalCommittee._meta.db_table
    _sql(f"DELETE FROM {table} WHERE history_id = %s", [rows[1].history_id])
    _count, broken = verify_table(HistoricalCommittee)
    assert broken is not None and broken.history_id == rows[2].history_id

    # A row written after the damage continues the chain from the last row, as it stands.
    (late,) = _committees(1, admin_user, prefix="Late panel")
    newest = HistoricalCommittee.objects.order_by("-history_id").first()
    assert newest.id == late.pk
    assert newest.history_previous_hash == rows[-1].history_hash
    assert len(newest.history_hash) == 64


def test_a_row_added_in_sql_is_found(admin_user):
    (committee,) = _committees(1, admin_user)
    table = HistoricalCommittee._meta.db_table
    _sql(
        f"INSERT INTO {table} (id, name, short_name, kind, version, created_at, updated_at, "
        "history_date, history_type, history_user_id, history_hash, history_previous_hash, "
        "calendar_feed_url, returns_deadline_working_days, reminder_working_days) "
        "SELECT id, 'Slipped in', short_name, kind, version, created_at, updated_at, "
        "history_date, history_type, history_user_id, '', '', calendar_feed_url, "
        f"returns_deadline_working_days, reminder_working_days FROM {table} WHERE id = %s",
        [committee.pk],
    )
    report = verify()
    assert not report.intact
    assert report.breaks[0].table == table


def test_many_to_many_rows_kept_with_a_review_are_in_its_hash(review, committee, admin_user):
    other = record_save(record=Committee(name="Panel", kind="scrutiny"), user=admin_user)
    with acting_as(admin_user):
        review.monitoring_committees.add(other)
    assert verify().intact
    (child,) = m2m_history_models(Review.history.model)
    assert child.objects.count() >= 1
    _sql(f"DELETE FROM {child._meta.db_table}")
    assert not verify().intact


def test_a_history_row_is_never_saved_twice(admin_user):
    (committee,) = _committees(1, admin_user)
    row = committee.history.first()
    row.name = "Changed"
    with pytest.raises(ValueError, match="append-only"):
        row.save()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    """Writers in threads, each with its own connection, saving at once: one chain, every row
    in it (PostgreSQL holds the audit lock; SQLite serialises writing transactions)."""
    user = User.objects.create_user("racer")
    threads, each = 6, 5
    barrier = threading.Barrier(threads)

    def write(n):
        try:
            barrier.wait(timeout=30)
            for i in range(each):
                committee = Committee(name=f"Writer {n} panel {i}", kind="scrutiny")
                record_save(record=committee, user=user, reason="Race")
        finally:
            connections.close_all()

    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(write, n) for n in range(threads)]:
            future.result(timeout=120)
    count, broken = verify_table(HistoricalCommittee)
    assert broken is None
    assert count == HistoricalCommittee.objects.count() >= threads * each


# --- accounts: deactivated, never deleted; changes recorded --------------------------------


def test_a_user_named_by_history_cannot_be_deleted(admin_user):
    officer = make_user("writer", roles.SCRUTINY_OFFICER)
    _committees(1, officer)
    with pytest.raises(ProtectedError):
        officer.delete()
    assert HistoricalCommittee.objects.filter(history_user=officer).exists()


def test_the_admin_refuses_to_delete_a_user_and_offers_no_bulk_delete(client, admin_user):
    officer = make_user("writer", roles.SCRUTINY_OFFICER)
    client.force_login(admin_user)
    response = client.post(f"/admin/auth/user/{officer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=officer.pk).exists()
    listing = client.get("/admin/auth/user/")
    assert b"delete_selected" not in listing.content
    response = client.post(
        "/admin/auth/user/", {"action": "delete_selected", "_selected_action": [officer.pk]}
    )
    assert User.objects.filter(pk=officer.pk).exists()


def test_deactivating_is_recorded_with_who_and_why(admin_user):
    officer = make_user("leaver", roles.SCRUTINY_OFFICER)
    services.account_deactivate(user=officer, by=admin_user, reason="Left the council")
    officer.refresh_from_db()
    assert not officer.is_active
    (event,) = AccountEvent.objects.filter(account=officer, kind="deactivated")
    assert (event.by, event.reason) == (admin_user, "Left the council")
    assert event.history.count() == 1
    # Again: nothing to record.
    services.account_deactivate(user=officer, by=admin_user, reason="Again")
    assert AccountEvent.objects.filter(account=officer, kind="deactivated").count() == 1


def test_roles_given_and_removed_are_events(admin_user):
    user = make_user("mover", roles.LEAD_OFFICER)
    officers = Group.objects.get(name=roles.SCRUTINY_OFFICER)
    services.account_roles_set(user=user, roles=[officers], by=admin_user, reason="Promoted")
    assert set(user.groups.values_list("name", flat=True)) == {roles.SCRUTINY_OFFICER}
    events = {(e.kind, e.role) for e in AccountEvent.objects.filter(account=user)}
    assert events == {
        ("role_granted", roles.SCRUTINY_OFFICER),
        ("role_removed", roles.LEAD_OFFICER),
    }


def test_the_admin_user_form_deactivates_and_changes_roles_through_the_service(client, admin_user):
    user = make_user("cllr2", roles.COUNCILLOR)
    client.force_login(admin_user)
    officers = Group.objects.get(name=roles.SCRUTINY_OFFICER)
    data = {
        "username": "cllr2",
        "first_name": "",
        "last_name": "",
        "email": "",
        "groups": [officers.pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "seen": services.fingerprint(user),
    }
    url = f"/admin/auth/user/{user.pk}/change/"
    refused = client.post(url, data)  # no reason
    assert refused.status_code == 200
    assert user.groups.get().name == roles.COUNCILLOR
    response = client.post(url, {**data, "change_reason": "Now supports the commission"})
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert not user.is_active  # the switch was not sent: unticked
    kinds = set(AccountEvent.objects.filter(account=user).values_list("kind", "role"))
    assert kinds == {
        ("deactivated", ""),
        ("role_granted", roles.SCRUTINY_OFFICER),
        ("role_removed", roles.COUNCILLOR),
    }
    assert set(AccountEvent.objects.values_list("reason", flat=True)) == {
        "Now supports the commission"
    }
    # The same form sent again, against the account as it was: refused as stale.
    again = client.post(url, {**data, "is_active": "on", "change_reason": "Undo"})
    assert again.status_code == 200
    assert b"Someone changed this account since you opened it" in again.content
    user.refresh_from_db()
    assert not user.is_active


def test_password_changes_are_events_whoever_makes_them(client, admin_user):
    user = make_user("pw", roles.COUNCILLOR)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "a-new-long-passphrase-7", "password2": "a-new-long-passphrase-7"},
    )
    assert response.status_code == 302
    event = AccountEvent.objects.filter(account=user, kind="password_changed").latest("pk")
    assert event.by == admin_user
    assert "Set by" in event.reason
    user.refresh_from_db()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "a-new-long-passphrase-7",
            "new_password1": "another-long-passphrase-8",
            "new_password2": "another-long-passphrase-8",
        },
    )
    assert response.status_code == 302
    event = AccountEvent.objects.filter(account=user, kind="password_changed").latest("pk")
    assert (event.by, event.reason) == (user, "Changed by the account holder")
    assert "another-long" not in event.reason


def test_roles_cannot_be_added_changed_or_deleted_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    group = Group.objects.get(name=roles.COUNCILLOR)
    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/auth/group/add/").status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


# --- the admin: read-only register, no revert, no delete ----------------------------------


def test_the_admin_cannot_delete_a_review_or_revert_its_history(client, admin_user, review):
    record_save(record=review, user=admin_user, reason="Retitled", version=review.version)
    client.force_login(admin_user)
    response = client.post(f"/admin/reviews/review/{review.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    first = review.history.order_by("history_id").first()
    version = Review.objects.get(pk=review.pk).version
    url = f"/admin/reviews/review/{review.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200  # the past version can be read
    response = client.post(url, {"title": first.title})
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).version == version
    change = client.post(f"/admin/reviews/review/{review.pk}/change/", {"title": "Edited"})
    assert change.status_code == 403
    assert client.get("/admin/reviews/review/add/").status_code == 403


def test_the_status_key_is_edited_in_the_admin_with_a_reason_and_the_version(client, admin_user):
    client.force_login(admin_user)
    entry = StatusKeyEntry.objects.order_by("order").first()
    url = f"/admin/recommendations/statuskeyentry/{entry.pk}/change/"
    data = {
        "label": "Done",
        "category": entry.category,
        "colour": entry.colour,
        "meaning": entry.meaning,
        "order": entry.order,
        "offered": "on",
        "seen_version": entry.version,
    }
    assert client.post(url, data).status_code == 200  # no reason: refused
    assert StatusKeyEntry.objects.get(pk=entry.pk).label == entry.label
    response = client.post(url, {**data, "change_reason": "The council's new words"})
    assert response.status_code == 302
    saved = StatusKeyEntry.objects.get(pk=entry.pk)
    assert saved.label == "Done"
    assert saved.history.first().history_change_reason == "The council's new words"
    stale = client.post(url, {**data, "label": "Finished", "change_reason": "Mine"})
    assert stale.status_code == 200
    assert b"Someone saved this since you opened it" in stale.content
    assert StatusKeyEntry.objects.get(pk=entry.pk).label == "Done"


# --- the Audit page ---------------------------------------------------------------------------


def test_the_audit_page_says_intact_or_names_the_first_bad_row(client, admin_user, officer_user):
    _committees(2, admin_user)
    leaver = make_user("leaver", roles.SCRUTINY_OFFICER)
    services.account_deactivate(user=leaver, by=admin_user, reason="Left the council")
    client.force_login(officer_user)
    assert client.get(reverse("audit")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("audit")).content.decode()
    assert "The audit trail is intact" in page
    assert "Left the council" in page
    row = HistoricalCommittee.objects.order_by("history_id").first()
    _sql(
        f"UPDATE {HistoricalCommittee._meta.db_table} SET name = 'Forged' WHERE history_id = %s",
        [row.history_id],
    )
    page = client.get(reverse("audit")).content.decode()
    assert "The audit trail does not match" in page
    assert f"history row {row.history_id}" in page
