"""The dashboard looks to the meetings: actions due by the next meeting of a committee
monitoring their review, and for councillors what changed since their committee last met
(each scrutiny committee's last meeting, for an account linked to no councillor)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from recommendations import reads
from recommendations.models import ActionPlanItem, Recommendation
from recommendations.services import update_post
from reviews.models import Committee, CommitteeKind, Councillor, Meeting, Review
from reviews.services import review_save
from scrutiny.formats import british_date
from scrutiny.services import record_save

MERTON_2016 = "Shared and outsourced services in Merton"
HARROW = "Shared services scrutiny review (Harrow)"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def meeting(committee: Committee, when: datetime.date, user) -> Meeting:
    return record_save(record=Meeting(committee=committee, date=when), user=user)


def action_on(reference: str, *, target: datetime.date, status: str = "on_track", user):
    recommendation = Recommendation.objects.get(reference=reference)
    number = recommendation.actions.count() + 1
    return record_save(
        record=ActionPlanItem(
            recommendation=recommendation,
            number=number,
            action=f"Action due {target}",
            timeline="Soon",
            target_date=target,
            status=status,
        ),
        user=user,
    )


@pytest.fixture
def osc(demo):
    return Committee.objects.get(name="Merton Overview and Scrutiny Commission")


# --- actions due by the next meeting --------------------------------------------------------


def dashboard_due() -> dict:
    """The dashboard's actions due by the next meeting (``reads.overdue_and_due``), by action:
    (the meeting's id, its date, its committee's name)."""
    today = timezone.localdate()
    upcoming = list(
        Meeting.objects.filter(date__gte=today).select_related("committee").order_by("date", "pk")
    )
    lists = reads.overdue_and_due(today, ActionPlanItem.objects.all(), 1000, upcoming)
    assert lists.due_count == len(lists.due)
    assert all(a.target_date < today for a in lists.overdue)  # overdue is its own list
    return {
        a.pk: (a.next_meeting_id, a.next_meeting_date, a.next_meeting_committee) for a in lists.due
    }


def test_actions_due_by_the_next_meeting_of_a_committee_monitoring_the_review(osc, officer_user):
    next_meeting = meeting(osc, days(30), officer_user)
    meeting(osc, days(90), officer_user)  # a later meeting: not the next one
    due = action_on("2016/17 R3", target=days(10), user=officer_user)
    on_the_day = action_on("2016/17 R5", target=days(30), user=officer_user)
    after = action_on("2016/17 R3", target=days(31), user=officer_user)
    achieved = action_on("2016/17 R5", target=days(5), status="achieved", user=officer_user)
    found = dashboard_due()
    assert due.pk in found and on_the_day.pk in found
    assert after.pk not in found and achieved.pk not in found
    assert found[due.pk] == (next_meeting.pk, days(30), osc.name)


def test_a_committee_named_as_also_monitoring_the_review_counts(demo, officer_user):
    harrow = Review.objects.get(title=HARROW)
    panel = record_save(
        record=Committee(name="Harrow Resources Panel", kind=CommitteeKind.SCRUTINY),
        user=officer_user,
    )
    review_save(review=harrow, monitoring=[panel], user=officer_user)
    meeting(panel, days(20), officer_user)
    reference = harrow.recommendations.get(number=1).reference
    due = action_on(reference, target=days(15), user=officer_user)
    assert dashboard_due()[due.pk][2] == "Harrow Resources Panel"


def test_the_dashboard_lists_them_with_the_meeting(client, osc, officer_user, councillor_user):
    client.force_login(councillor_user)
    html = client.get("/").content.decode()
    assert "Due by the next meeting (0)" in html
    assert "no meetings are scheduled" in html
    next_meeting = meeting(osc, days(30), officer_user)
    action_on("2016/17 R3", target=days(10), user=officer_user)
    html = client.get("/").content.decode()
    assert "Due by the next meeting (1)" in html
    section = html.split('id="due-before-meeting"', 1)[1].split("</table>", 1)[0]
    assert "2016/17 R3" in section and british_date(days(10)) in section
    assert f'href="/meetings/{next_meeting.pk}/"' in section
    assert f"{osc.name}, {british_date(days(30))}" in section


# --- what changed since the committee last met ----------------------------------------------


def test_a_councillor_sees_what_changed_since_their_committee_last_met(client, osc, officer_user):
    """The demonstration councillor sits on Merton's Commission: changes to Merton's reviews
    made after its last meeting are listed; Harrow's are not (the Commission does not monitor
    them)."""
    meeting(osc, days(-1), officer_user)
    r2 = Recommendation.objects.get(reference="2016/17 R2")
    update_post(recommendation=r2, text="Progress since the meeting.", user=officer_user)
    harrow_r1 = Recommendation.objects.get(review__title=HARROW, number=1)
    update_post(recommendation=harrow_r1, text="Harrow's progress.", user=officer_user)
    client.force_login(User.objects.get(username="councillor"))
    html = client.get("/").content.decode()
    assert "Changed since your committee last met" in html
    section = html.split('id="recent-changes"', 1)[1]
    assert f"{osc.name} last met on {british_date(days(-1))}." in section
    assert f"Update: Update of {british_date(days(0))}" in section
    assert f'href="/recommendations/{r2.pk}/"' in section
    assert f'href="/recommendations/{harrow_r1.pk}/"' not in section


def test_changes_before_the_committee_last_met_are_not_listed(osc, officer_user):
    r2 = Recommendation.objects.get(reference="2016/17 R2")
    update_post(recommendation=r2, text="Before the meeting.", user=officer_user)
    last_met = [reads.LastMet(osc.pk, osc.name, days(0))]  # met today, after the update
    assert reads.changes_since_committees_met(last_met) == []
    last_met = [reads.LastMet(osc.pk, osc.name, days(-1))]
    changes = reads.changes_since_committees_met(last_met)
    assert changes and all(change.when > reads.end_of_day(days(-1)) for change in changes)


def test_the_committees_a_councillor_sits_on_decide_and_without_a_link_every_scrutiny_one(
    osc, councillor_user
):
    today = days(0)
    linked = User.objects.get(username="councillor")
    assert reads.committees_last_met(linked, today) == (
        [reads.LastMet(osc.pk, osc.name, datetime.date(2017, 7, 6))],
        True,
    )
    last_met, theirs = reads.committees_last_met(councillor_user, today)
    assert not theirs
    assert [(met.name, met.date) for met in last_met] == [
        ("County Council Shared Services Review Group", datetime.date(2012, 2, 21)),
        ("Harrow Overview and Scrutiny Committee", datetime.date(2021, 4, 20)),
        ("Merton Overview and Scrutiny Commission", datetime.date(2017, 7, 6)),
    ]


def test_an_unlinked_councillor_is_told_whose_meetings_count(client, osc, councillor_user):
    client.force_login(councillor_user)
    html = client.get("/").content.decode()
    assert "Changed since each scrutiny committee last met" in html
    assert "Harrow Overview and Scrutiny Committee last met on 20 April 2021." in html


def test_officers_see_the_latest_changes_across_the_register(client, osc, officer_user):
    client.force_login(officer_user)
    html = client.get("/").content.decode()
    assert "Recent changes" in html and "last met on" not in html


def test_the_demonstration_councillor_is_linked_to_their_account_and_committee(demo):
    peter = Councillor.objects.get(name="Peter Southgate")
    assert peter.user.username == "councillor"
    assert [c.name for c in peter.committees.all()] == ["Merton Overview and Scrutiny Commission"]
    assert peter.history.first().committees.count() == 1  # the history keeps the committees
