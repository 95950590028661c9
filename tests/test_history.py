"""Every create, edit and delete leaves a history row with the values, time and user."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation
from reviews.models import Committee
from scrutiny.audit import acting_as

# The committee's update round settings, as the admin form sends them.
ROUND = {"returns_deadline_working_days": "10", "reminder_working_days": "5,1"}


def test_create_edit_and_delete_are_recorded_with_the_user(admin_user):
    # (The admin no longer writes the register: it is read-only there, see test_audit_trail.)
    from scrutiny.services import record_save

    committee = record_save(
        record=Committee(name="Children's Scrutiny Panel", short_name="CSP", kind="scrutiny"),
        user=admin_user,
    )
    committee.name = "Children and Young People Scrutiny Panel"
    committee.short_name = "CYP"
    record_save(record=committee, user=admin_user, version=committee.version)
    pk = committee.pk
    with acting_as(admin_user):
        committee.delete(reason="Set up in error")
    committee.pk = pk
    assert not Committee.objects.filter(pk=pk).exists()

    rows = list(Committee.history.filter(id=committee.pk).order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~", "-"]
    assert all(r.history_user == admin_user for r in rows)
    assert rows[0].name == "Children's Scrutiny Panel"
    assert rows[1].name == "Children and Young People Scrutiny Panel"
    assert [r.version for r in rows] == [1, 2, 2]
    delta = rows[1].diff_against(rows[0])
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["name"] == (
        "Children's Scrutiny Panel",
        "Children and Young People Scrutiny Panel",
    )
    assert changed["short_name"] == ("CSP", "CYP")


def test_command_records_the_user_given_with_user(db, officer_user):
    call_command("load_demo", "--user", officer_user.username, stdout=io.StringIO())
    rec = Recommendation.objects.get(reference="2016/17 R1")
    assert rec.history.earliest().history_user == officer_user
    assert rec.history.earliest().history_change_reason == "Demonstration data"


def test_command_without_user_records_the_named_system_user(db):
    call_command("load_demo", stdout=io.StringIO())
    row = Recommendation.history.earliest()
    assert row.history_user.username == "system"
    assert not row.history_user.is_active
    assert not row.history_user.has_usable_password()


def test_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user called"):
        call_command("load_demo", "--user", "nobody")
    assert not Recommendation.objects.exists()


def test_delete_outside_a_request_records_the_acting_user_and_reason(committee, officer_user):
    pk = committee.pk
    with acting_as(officer_user):
        committee.delete(reason="Set up twice by mistake")
    row = Committee.history.filter(id=pk, history_type="-").get()
    assert row.history_user == officer_user
    assert row.history_change_reason == "Set up twice by mistake"
    assert row.name == "Overview and Scrutiny Commission"


def test_reason_is_stored_when_given(committee, officer_user):
    with acting_as(officer_user):
        committee.short_name = "OSC"
        committee.save(reason="Abbreviation used in the papers")
    assert committee.history.first().history_change_reason == "Abbreviation used in the papers"


# --- the history pages speak in words and name people (issue "A record councils can trust",
# point 9) -----------------------------------------------------------------------------------


def _history_page(client, user, recommendation):
    from django.urls import reverse

    client.force_login(user)
    response = client.get(reverse("recommendation_history", args=[recommendation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_history_shows_choice_labels_not_codes(client, demo, councillor_user, officer_user):
    from recommendations.statuses import ProgressStatus

    rec = Recommendation.objects.get(reference="2016/17 R2")
    action = rec.actions.get()
    with acting_as(officer_user):
        action.status = ProgressStatus.ON_TRACK
        action.save(reason="Reported at the March meeting")
    rec.refresh_from_db()
    assert rec.status == "on_track"  # the recommendation followed its action, with history

    html = _history_page(client, councillor_user, rec)
    assert '<ins class="app-new">Acceptable progress</ins>' in html
    # The recommendation's derived status is in words in its reason too.
    assert "Status derived from its actions: Acceptable progress" in html
    assert "on_track" not in html and "not_started" not in html


def test_history_names_users_by_full_name_in_the_by_and_in_values(
    client, demo, councillor_user, lead_officer_user
):
    from recommendations.services import action_revise_target_date

    rec = Recommendation.objects.get(reference="2016/17 R2")
    action_revise_target_date(
        action=rec.actions.get(),
        new_date=datetime.date(2017, 9, 30),
        reason="CIPFA late",
        user=lead_officer_user,
    )
    html = _history_page(client, councillor_user, rec)
    assert "Target date revision: created by Lead Officer" in html
    # The revision's "Revised by" names the person, not their username ("lo").
    revised_by = html[html.index(">Revised by</th>") :]
    revised_by = revised_by[: revised_by.index("</tr>")]
    assert '<ins class="app-new">Lead Officer</ins>' in revised_by
    assert ">lo<" not in html


def test_history_falls_back_to_the_username_and_to_an_unknown_user(
    client, demo, councillor_user, officer_user
):
    from django.contrib.auth.models import User

    rec = Recommendation.objects.get(reference="2016/17 R2")
    nameless = User.objects.create_user(username="jbloggs")
    with acting_as(nameless):
        rec.service_area = "Corporate Services"
        rec.save(reason="Service area from the 2017 structure chart")
    assert "Recommendation 2: changed by jbloggs" in _history_page(client, councillor_user, rec)
    # An account named by history is never deleted (it is deactivated), so the name stays.
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        nameless.delete()
    assert "Recommendation 2: changed by jbloggs" in _history_page(client, councillor_user, rec)
    # A row that names nobody (written before any user was recorded) says so.
    rec.history.filter(history_user=nameless).update(history_user=None)
    html = _history_page(client, councillor_user, rec)
    assert "Recommendation 2: changed by an unknown user" in html
