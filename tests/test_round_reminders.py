"""Reminders, chasers and the scheduler of the update round (issue 12, points 5 and 8): the
clock is moved by passing the day (``today=`` / ``--date``), never by sleeping.

The round's deadline is Wednesday 8 May 2030; Monday 6 May 2030 is the early May bank
holiday. Five working days before the deadline: 7, (not 6), 3, 2, 1 May, 30 April; one
working day before: 7 May. The chaser goes the first working day after: Thursday 9 May."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.models import Recommendation
from recommendations.rounds import services
from recommendations.rounds.models import EmailKind, EmailSent, UpdateRound
from recommendations.rounds.schedule import reminder_due, rounds_send_due_reminders
from reviews.dates import working_days_before
from reviews.models import Meeting, Officer
from scrutiny import roles

from .conftest import make_user

D = datetime.date
DEADLINE = D(2030, 5, 8)
MEETING_DAY = D(2030, 5, 23)


@pytest.fixture
def officer(db):
    return make_user(
        "so-round",
        roles.SCRUTINY_OFFICER,
        first_name="Sam",
        last_name="Clerk",
        email="sam.clerk@council.example",
    )


@pytest.fixture
def owners(review, cabinet):
    ann = Officer.objects.create(name="Ann Owner", email="ann@council.example")
    bob = Officer.objects.create(name="Bob Partner", email="bob@nhs.example")
    for number, owner in ((1, ann), (2, bob)):
        Recommendation.objects.create(
            review=review,
            number=number,
            text=f"That the council does thing {number}.",
            responsible_body=cabinet,
            decision="accepted",
            lead_officer=owner,
        )
    return {"ann": ann, "bob": bob}


@pytest.fixture
def round_sent(committee, owners, officer, mailoutbox):
    """The round for the meeting of 23 May 2030, its requests emailed (the outbox emptied)."""
    meeting = Meeting.objects.create(committee=committee, date=MEETING_DAY)
    update_round = services.round_open(meeting=meeting, user=officer, deadline=DEADLINE)
    services.round_send_all(update_round=update_round, user=officer)
    assert len(mailoutbox) == 2
    mailoutbox.clear()
    return update_round


def _sent_by_day(days, mailoutbox) -> list:
    """Run the scheduler on each day in turn: [(day, [(to, subject's first words)])]."""
    found = []
    for day in days:
        before = len(mailoutbox)
        rounds_send_due_reminders(today=day)
        found.append((day, sorted((m.to[0], m.subject.split(":")[0]) for m in mailoutbox[before:])))
    return found


def _submit(update_round, owner):
    request = update_round.requests.get(owner=owner)
    for item in request.items.all():
        services.return_save(
            item=item, data=services.ReturnInput(text="Done."), written_by=owner, submit=True
        )


def test_reminders_go_on_the_working_days_before_the_deadline_not_counting_the_bank_holiday(
    round_sent, mailoutbox
):
    days = [D(2030, 4, 29) + datetime.timedelta(days=n) for n in range(10)]  # to 8 May
    sent = _sent_by_day(days, mailoutbox)
    both = [("ann@council.example", "Reminder"), ("bob@nhs.example", "Reminder")]
    assert {day: got for day, got in sent if got} == {
        D(2030, 4, 30): both,
        D(2030, 5, 7): both,
    }
    message = mailoutbox[-1]
    assert "8 May 2030" in message.body and "/reply/" in message.body
    assert EmailSent.objects.filter(kind=EmailKind.REMINDER, due_on=D(2030, 5, 7)).count() == 2


def test_the_chaser_goes_the_first_working_day_after_the_deadline_and_once(round_sent, mailoutbox):
    assert reminder_due(round_sent, DEADLINE) == (EmailKind.REMINDER, D(2030, 5, 7))
    assert reminder_due(round_sent, D(2030, 5, 9)) == (EmailKind.CHASER, D(2030, 5, 9))
    sent = _sent_by_day([D(2030, 5, 9), D(2030, 5, 9), D(2030, 5, 10), D(2030, 5, 13)], mailoutbox)
    assert [len(got) for _, got in sent] == [2, 0, 0, 0]
    assert {subject for _, subject in sent[0][1]} == {"Overdue"}
    assert "has passed" in mailoutbox[0].body


def test_run_twice_on_the_same_day_nothing_is_sent_twice(round_sent, mailoutbox):
    rounds_send_due_reminders(today=D(2030, 4, 30))
    rounds_send_due_reminders(today=D(2030, 4, 30))
    call_command("send_round_reminders", "--date", "2030-04-30", stdout=io.StringIO())
    assert len(mailoutbox) == 2
    assert EmailSent.objects.filter(kind=EmailKind.REMINDER).count() == 2


def test_after_days_missed_only_the_latest_reminder_goes_once(round_sent, mailoutbox):
    # The scheduler was down from 29 April to the deadline: one reminder each, the one due
    # on 7 May, not the one of 30 April as well.
    sent = _sent_by_day([DEADLINE, DEADLINE], mailoutbox)
    assert [len(got) for _, got in sent] == [2, 0]
    assert set(
        EmailSent.objects.filter(kind=EmailKind.REMINDER).values_list("due_on", flat=True)
    ) == {D(2030, 5, 7)}
    # Down again over the chaser's day: it goes on the next run, once.
    sent = _sent_by_day([D(2030, 5, 14), D(2030, 5, 15)], mailoutbox)
    assert [len(got) for _, got in sent] == [2, 0]


def test_owners_who_submitted_are_not_reminded_or_chased(round_sent, owners, mailoutbox):
    _submit(round_sent, owners["ann"])
    sent = _sent_by_day([D(2030, 4, 30), D(2030, 5, 9)], mailoutbox)
    assert sent == [
        (D(2030, 4, 30), [("bob@nhs.example", "Reminder")]),
        (D(2030, 5, 9), [("bob@nhs.example", "Overdue")]),
    ]


def test_an_owner_with_only_a_draft_is_still_reminded(round_sent, owners, mailoutbox):
    request = round_sent.requests.get(owner=owners["ann"])
    services.return_save(
        item=request.items.get(),
        data=services.ReturnInput(text="Half way"),
        written_by=owners["ann"],
        submit=False,
    )
    _submit(round_sent, owners["bob"])
    sent = _sent_by_day([D(2030, 4, 30)], mailoutbox)
    assert sent == [(D(2030, 4, 30), [("ann@council.example", "Reminder")])]


def test_the_officer_is_told_once_when_every_return_is_in(round_sent, owners, mailoutbox):
    _submit(round_sent, owners["ann"])
    rounds_send_due_reminders(today=D(2030, 5, 2))
    assert [m.to[0] for m in mailoutbox] == ["bob@nhs.example"]  # not all in: no message
    mailoutbox.clear()
    _submit(round_sent, owners["bob"])
    rounds_send_due_reminders(today=D(2030, 5, 2))
    rounds_send_due_reminders(today=D(2030, 5, 3))
    rounds_send_due_reminders(today=D(2030, 5, 9))
    (message,) = mailoutbox
    assert message.to == ["sam.clerk@council.example"]
    assert message.subject.startswith("Every update for")
    assert round_sent.get_absolute_url() in message.body
    logged = EmailSent.objects.get(kind=EmailKind.ALL_IN)
    assert logged.round == round_sent and logged.request is None


def test_a_round_opens_itself_on_the_committees_working_day_and_only_once(
    committee, review, owners, mailoutbox
):
    committee.round_opens_working_days = 15
    committee.save(reason="Rounds open themselves")
    meeting = Meeting.objects.create(committee=committee, date=MEETING_DAY)
    opens_on = working_days_before(MEETING_DAY, 15)
    assert opens_on == D(2030, 5, 1)  # 15 working days back, over the bank holiday of 6 May
    report = rounds_send_due_reminders(today=D(2030, 4, 30))
    assert not report.opened and not UpdateRound.objects.exists()
    report = rounds_send_due_reminders(today=opens_on)
    (update_round,) = report.opened
    assert update_round.meeting == meeting
    assert update_round.deadline == working_days_before(MEETING_DAY, 10)
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@council.example", "bob@nhs.example"]
    assert {m.subject.split(" for ")[0] for m in mailoutbox} == {"Update needed"}
    report = rounds_send_due_reminders(today=opens_on)
    assert not report.opened and not report.sent and len(mailoutbox) == 2
    assert UpdateRound.objects.count() == 1


def test_a_round_that_opened_itself_tells_the_reviews_scrutiny_officer_when_all_is_in(
    committee, review, owners, mailoutbox
):
    review.scrutiny_officer = Officer.objects.create(name="Sue Scrutiny", email="sue@c.example")
    review.save(reason="Supported")
    committee.round_opens_working_days = 15
    committee.save(reason="Rounds open themselves")
    Meeting.objects.create(committee=committee, date=MEETING_DAY)
    rounds_send_due_reminders(today=D(2030, 5, 1))
    update_round = UpdateRound.objects.get()
    _submit(update_round, owners["ann"])
    _submit(update_round, owners["bob"])
    mailoutbox.clear()
    rounds_send_due_reminders(today=D(2030, 5, 2))
    (message,) = mailoutbox
    assert message.to == ["sue@c.example"] and "Dear Sue Scrutiny" in message.body


def test_the_command_prints_what_it_sent(round_sent, mailoutbox):
    out = io.StringIO()
    call_command("send_round_reminders", "--date", "2030-05-07", stdout=out)
    text = out.getvalue()
    assert "Sent reminder to ann@council.example" in text
    assert "Sent reminder to bob@nhs.example" in text
    assert "0 round(s) opened, 2 email(s) sent." in text
    out = io.StringIO()
    call_command("send_round_reminders", "--date", "2030-05-07", stdout=out)
    assert out.getvalue().strip() == "0 round(s) opened, 0 email(s) sent."
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_round_reminders", "--date", "7/5/2030")


def test_a_closed_round_sends_nothing(round_sent, officer, mailoutbox):
    services.round_close(update_round=round_sent, user=officer)
    rounds_send_due_reminders(today=D(2030, 4, 30))
    rounds_send_due_reminders(today=D(2030, 5, 9))
    assert mailoutbox == []


def test_a_round_cannot_be_set_to_open_itself_after_its_own_deadline(committee, officer):
    committee.returns_deadline_working_days = 10
    for opens in (5, 10):
        committee.round_opens_working_days = opens
        with pytest.raises(ValidationError) as refused:
            committee.full_clean()
        (message,) = refused.value.message_dict["round_opens_working_days"]
        assert "on or after its own deadline for returns (10 working days" in message
    for opens in (11, None):
        committee.round_opens_working_days = opens
        committee.full_clean()


def test_the_committee_form_refuses_a_round_opening_after_its_deadline(client, committee, officer):
    client.force_login(officer)
    url = reverse("committee_edit", args=[committee.pk])
    data = {
        "name": committee.name,
        "kind": committee.kind,
        "returns_deadline_working_days": "10",
        "reminder_working_days": "5,1",
        "round_opens_working_days": "8",
        "version": committee.version,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Open it more than 10 working days before the meeting" in refused.content.decode()
    committee.refresh_from_db()
    assert committee.round_opens_working_days is None
    data["round_opens_working_days"] = "15"
    assert client.post(url, data).status_code == 302
    committee.refresh_from_db()
    assert committee.round_opens_working_days == 15


def test_the_scheduler_says_why_a_committee_saved_before_the_rule_gets_no_round(
    committee, review, owners, mailoutbox
):
    committee.round_opens_working_days = 5  # saved before the rule (save() does not clean)
    committee.save(reason="Rounds open themselves")
    meeting = Meeting.objects.create(committee=committee, date=MEETING_DAY)
    report = rounds_send_due_reminders(today=working_days_before(MEETING_DAY, 5))
    assert not report.opened and not UpdateRound.objects.exists() and mailoutbox == []
    (problem,) = report.problems
    assert problem.startswith(f"No update round opened for {meeting}: The round would open")
