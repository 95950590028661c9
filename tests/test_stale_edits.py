"""No lost edits (issue 4, item 3).

Every edit form carries the version of the record it showed. A submission made against an old
version (someone saved in between) is refused with HTTP 409 and a page showing the user's input
beside the record as it now stands; the input is kept in the form, so sending it again (now
against the current version) saves it.

The race: for each of 20 records, 12 scrutiny officers send an edit against the same version at
once. Exactly one wins (302), the other eleven get 409, none gets a 500, and the winner leaves
exactly one history row. It runs on SQLite (transactions begin IMMEDIATE, so the version check
and the save cannot interleave) and on PostgreSQL (the view locks the row with
select_for_update): ``DATABASE_URL=postgres://... pytest tests/test_stale_edits.py``.
"""

import concurrent.futures
import datetime
import threading
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections
from django.test import Client
from django.urls import reverse

from recommendations import forms as recommendation_forms
from recommendations.demo.loader import load_demo
from recommendations.models import ActionPlanItem, Recommendation
from reviews.models import Meeting, Review
from scrutiny import roles

from .test_permissions import WorldTestCase, page_form, snapshot

CONFLICT = "Your changes have not been saved"


def officer(username: str) -> User:
    user = User.objects.create_user(username=username, first_name=username.title())
    user.groups.add(Group.objects.get_or_create(name=roles.SCRUTINY_OFFICER)[0])
    return user


class TestConflictPage(WorldTestCase):
    """Officer A opens a form; officer B saves; A sends the form: 409, nothing of A's lost."""

    def setUp(self):
        self.a = Client()
        self.a.force_login(officer("alice"))
        self.b = Client()
        self.b.force_login(officer("bilal"))

    def race_two(self, url, *, a_changes, b_changes, model, pk, a_sees, b_sees, check_saved):
        """A opens, B saves, A sends: check the 409 page, the database, then A sends again."""
        version = model.objects.get(pk=pk).version
        a_form = page_form(self.a.get(url).content)
        assert a_form.data().get("version") == str(version), "the form must carry the version"

        b_data = page_form(self.b.get(url).content).data()
        b_data.update(b_changes)
        response = self.b.post(url, b_data)
        assert response.status_code == 302, "B's edit must save"
        assert model.objects.get(pk=pk).version == version + 1

        a_data = a_form.data()
        a_data.update(a_changes)
        history_before = model.history.filter(id=pk).count()
        response = self.a.post(url, a_data)
        assert response.status_code == 409
        html = response.content.decode()
        assert CONFLICT in html
        # B's saved values are shown beside A's input (checked last, so a failure here does not
        # hide the rest) ...
        not_shown = [text for text in b_sees if text not in html]
        # ... and A's input is in the form, ready to send again.
        resent = page_form(html)
        resent_data = resent.data()
        for name, value in a_sees.items():
            assert resent_data.get(name) == value, f"A's input for {name} was lost"
        assert resent_data.get("version") == str(version + 1)
        # Nothing of A's was saved.
        assert model.history.filter(id=pk).count() == history_before
        current = model.objects.get(pk=pk)
        assert current.version == version + 1
        check_saved(current, "b")

        # Sending the kept input again (it now says "I have seen the latest") saves it.
        response = self.a.post(url, resent_data)
        assert response.status_code == 302, response.content.decode()[:2000]
        current = model.objects.get(pk=pk)
        assert current.version == version + 2
        check_saved(current, "a")
        assert not not_shown, f"the 409 page does not show what is saved now: {not_shown}"

    def test_recommendation_edit(self):
        pk = self.w.r1
        a_text = "A: that the council publishes a register of shared services."
        b_text = "B: that the council reviews its shared services every year."

        def check(rec, who):
            assert rec.text == {"a": a_text, "b": b_text}[who]

        self.race_two(
            reverse("recommendation_edit", args=[pk]),
            a_changes={"text": a_text},
            b_changes={"text": b_text},
            model=Recommendation,
            pk=pk,
            a_sees={"text": a_text},
            b_sees=[b_text],
            check_saved=check,
        )

    def test_review_edit(self):
        pk = Review.objects.get(title="Shared services in Merton").pk  # five members, a chair
        a_text = "A: to find out what the shared services cost and save."
        b_text = "B: to hear from the partner councils."

        members = sorted(Review.objects.get(pk=pk).members.values_list("councillor", flat=True))

        def check(review, who):
            assert review.objectives == {"a": a_text, "b": b_text}[who]
            assert sorted(review.members.values_list("councillor", flat=True)) == members

        self.race_two(
            reverse("review_edit", args=[pk]),
            a_changes={"objectives": a_text, "title": "Shared and outsourced services (A)"},
            b_changes={"objectives": b_text},
            model=Review,
            pk=pk,
            a_sees={"objectives": a_text, "title": "Shared and outsourced services (A)"},
            b_sees=[b_text],
            check_saved=check,
        )

    def test_action_edit(self):
        pk = self.w.own_action
        a_text = "A: produce the business case template with Finance."
        b_text = "B: produce the business case template with Legal."

        def check(action, who):
            assert action.action == {"a": a_text, "b": b_text}[who]

        self.race_two(
            reverse("action_edit", args=[pk]),
            a_changes={"action": a_text, "timeline": "Spring 2018"},
            b_changes={"action": b_text},
            model=ActionPlanItem,
            pk=pk,
            a_sees={"action": a_text, "timeline": "Spring 2018"},
            b_sees=[b_text],
            check_saved=check,
        )

    def test_recommendation_close(self):
        pk = self.w.r1
        march = Meeting.objects.get(date=datetime.date(2017, 3, 7))
        july = Meeting.objects.get(pk=self.w.july_2017)

        def check(rec, who):
            want = {"a": ("Minute 7/17", july), "b": ("Minute 12/17", march)}[who]
            assert (rec.closure_minute_reference, rec.closed_at_meeting) == want

        self.race_two(
            reverse("recommendation_close", args=[pk]),
            a_changes={"meeting": str(july.pk), "minute_reference": "Minute 7/17"},
            b_changes={"meeting": str(march.pk), "minute_reference": "Minute 12/17"},
            model=Recommendation,
            pk=pk,
            a_sees={"meeting": str(july.pk), "minute_reference": "Minute 7/17"},
            # What B saved: the closure minute (the March meeting is in the form's list anyway).
            b_sees=["Minute 12/17"],
            check_saved=check,
        )

    def test_action_revise_target(self):
        pk = self.w.own_action  # target 31 December 2017

        def check(action, who):
            want = {"a": datetime.date(2018, 3, 31), "b": datetime.date(2018, 6, 30)}[who]
            assert action.target_date == want
            assert action.first_target_date == datetime.date(2017, 12, 31)

        self.race_two(
            reverse("action_revise_target", args=[pk]),
            a_changes={
                "new_date_0": "31",
                "new_date_1": "3",
                "new_date_2": "2018",
                "reason": "A: the partner asked for three months more.",
            },
            b_changes={
                "new_date_0": "30",
                "new_date_1": "6",
                "new_date_2": "2018",
                "reason": "B: the budget was delayed.",
            },
            model=ActionPlanItem,
            pk=pk,
            a_sees={
                "new_date_0": "31",
                "new_date_1": "3",
                "new_date_2": "2018",
                "reason": "A: the partner asked for three months more.",
            },
            # What B saved: the target date is now 30 June 2018.
            b_sees=["30 June 2018"],
            check_saved=check,
        )

    def test_a_stale_remove_is_refused_and_the_action_stays(self):
        """Removing an action someone has just changed is refused, and shows the change."""
        pk = self.w.own_action
        url = reverse("action_remove", args=[pk])
        a_data = page_form(self.a.get(url).content).data()
        b_data = page_form(self.b.get(reverse("action_edit", args=[pk])).content).data()
        b_data["action"] = "B: rewritten, still needed"
        assert self.b.post(reverse("action_edit", args=[pk]), b_data).status_code == 302
        a_data["reason"] = "A: no longer needed"
        response = self.a.post(url, a_data)
        assert response.status_code == 409
        assert CONFLICT in response.content.decode()
        assert page_form(response.content).data()["reason"] == "A: no longer needed"
        assert ActionPlanItem.objects.get(pk=pk).action == "B: rewritten, still needed"

    def test_responses_page_refuses_a_stale_response_and_keeps_the_input(self):
        w = self.w
        url = reverse("review_responses", args=[w.harrow])
        rec = Recommendation.objects.get(pk=w.harrow_r1)
        a_data = page_form(self.a.get(url).content).data()
        b_data = page_form(self.b.get(url).content).data()
        b_data.update(
            {"date_0": "1", "date_1": "7", "date_2": "2021", f"rec-{rec.pk}-decision": "accepted"}
        )
        assert self.b.post(url, b_data).status_code == 302
        a_data.update(
            {
                "date_0": "1",
                "date_1": "7",
                "date_2": "2021",
                f"rec-{rec.pk}-decision": "rejected",
                f"rec-{rec.pk}-response_text": "A: not affordable this year.",
            }
        )
        before = snapshot()
        response = self.a.post(url, a_data)
        assert response.status_code == 409
        html = response.content.decode()
        assert "Changed by someone else" in html
        kept = page_form(html).data()
        assert kept[f"rec-{rec.pk}-response_text"] == "A: not affordable this year."
        assert kept[f"rec-{rec.pk}-decision"] == "rejected"
        assert snapshot() == before
        assert Recommendation.objects.get(pk=rec.pk).decision == "accepted"
        response = self.a.post(url, kept)
        assert response.status_code == 302
        assert Recommendation.objects.get(pk=rec.pk).decision == "rejected"

    def test_a_submission_without_a_version_is_refused(self):
        """A form sent without its version (an old page, a script) is treated as stale."""
        url = reverse("recommendation_edit", args=[self.w.r1])
        data = page_form(self.a.get(url).content).data()
        del data["version"]
        data["text"] = "Sent without a version"
        response = self.a.post(url, data)
        assert response.status_code == 409
        assert Recommendation.objects.get(pk=self.w.r1).text != "Sent without a version"


class TestEditsMadeWhileASaveIsUnderWay(WorldTestCase):
    """An edit saved by someone else after a page loaded its records but before it took the
    lock must not be overwritten by a save of records the page did not lock.

    The other person's save is made while the form is being validated: after the view read
    its records, before its transaction, exactly where another request's commit can land."""

    def setUp(self):
        self.client.force_login(officer("alice"))

    def test_editing_an_action_keeps_an_edit_of_its_recommendation(self):
        """action_edit changes the action's status, so the recommendation's derived status is
        saved too: from the copy read when the page loaded, not the one saved since."""
        w = self.w
        url = reverse("action_edit", args=[w.own_action])
        data = page_form(self.client.get(url).content).data()
        data["status"] = "off_track"  # 2016/17 R1's derived status becomes "off track"
        meanwhile = "Edited by someone else while the action was being saved."
        real_clean = recommendation_forms.ActionForm.clean

        def clean_and_meanwhile(form):
            rec = Recommendation.objects.get(pk=w.r1)
            rec.text = meanwhile
            rec.save(reason="Someone else's edit")
            return real_clean(form)

        with mock.patch.object(recommendation_forms.ActionForm, "clean", clean_and_meanwhile):
            response = self.client.post(url, data)
        assert response.status_code == 302
        rec = Recommendation.objects.get(pk=w.r1)
        assert rec.status == "off_track"
        assert rec.text == meanwhile, "the other person's edit of the recommendation was lost"

    def test_recording_responses_keeps_an_edit_of_the_review(self):
        """review_responses saves the review (response date and meeting) from the copy read when
        the page loaded, so an extension agreed meanwhile is lost."""
        w = self.w
        url = reverse("review_responses", args=[w.harrow])
        data = page_form(self.client.get(url).content).data()
        data.update(date_0="1", date_1="7", date_2="2021")
        for rec in Review.objects.get(pk=w.harrow).recommendations.all():
            data[f"rec-{rec.pk}-decision"] = "accepted"
        real_clean = recommendation_forms.ResponseMeetingForm.clean

        def clean_and_meanwhile(form):
            review = Review.objects.get(pk=w.harrow)
            review.extended_deadline = datetime.date(2021, 10, 15)
            review.extension_reason = "Agreed by the committee meanwhile"
            review.save(reason="Someone else's edit")
            return real_clean(form)

        with mock.patch.object(
            recommendation_forms.ResponseMeetingForm, "clean", clean_and_meanwhile
        ):
            response = self.client.post(url, data)
        assert response.status_code == 302
        review = Review.objects.get(pk=w.harrow)
        assert review.response_given_on == datetime.date(2021, 7, 1)
        assert review.extended_deadline == datetime.date(2021, 10, 15), (
            "the extension saved meanwhile was lost"
        )

    def test_posting_an_update_keeps_an_edit_of_the_action(self):
        """update_create sets the action's status from the copy of the action read while the
        form was validated, so an edit of the action saved meanwhile is lost."""
        w = self.w
        url = reverse("update_create", args=[w.r1])
        data = page_form(self.client.get(url).content).data()
        data.update(action=str(w.own_action), text="Done.", reported_status="achieved")
        real_clean = recommendation_forms.UpdateForm.clean

        def clean_and_meanwhile(form):
            cleaned = real_clean(form)  # the action is read here
            action = ActionPlanItem.objects.get(pk=w.own_action)
            action.timeline = "Moved to 2018 by someone else"
            action.save(reason="Someone else's edit")
            return cleaned

        with mock.patch.object(recommendation_forms.UpdateForm, "clean", clean_and_meanwhile):
            response = self.client.post(url, data)
        assert response.status_code == 302
        action = ActionPlanItem.objects.get(pk=w.own_action)
        assert action.status == "achieved"
        assert action.timeline == "Moved to 2018 by someone else", (
            "the other person's edit of the action was lost"
        )


# --- the race -------------------------------------------------------------------------------

THREADS = 12


def _targets() -> list[tuple[str, str, type, int, str]]:
    """20 records of three kinds: (label, URL, model, pk, the text field each thread edits)."""
    targets = []
    merton15 = Review.objects.get(title="Shared services in Merton")
    harrow = Review.objects.get(title="Shared services scrutiny review (Harrow)")
    recs = [*merton15.recommendations.order_by("number"), harrow.recommendations.first()]
    for rec in recs:
        url = reverse("recommendation_edit", args=[rec.pk])
        targets.append((f"recommendation {rec.reference}", url, Recommendation, rec.pk, "text"))
    for review in Review.objects.order_by("pk"):
        url = reverse("review_edit", args=[review.pk])
        targets.append((f"review {review.title}", url, Review, review.pk, "objectives"))
    merton16 = Review.objects.get(title="Shared and outsourced services in Merton")
    for action in ActionPlanItem.objects.filter(recommendation__review=merton16)[:6]:
        url = reverse("action_edit", args=[action.pk])
        targets.append((f"action {action}", url, ActionPlanItem, action.pk, "action"))
    assert len(targets) == 20, len(targets)
    return targets


@pytest.mark.django_db(transaction=True)
def test_twelve_stale_saves_race_on_each_of_twenty_records():
    load_demo()
    editors = [officer(f"racer{i}") for i in range(THREADS)]
    clients = []
    for user in editors:
        client = Client()
        client.force_login(user)
        clients.append(client)
    targets = _targets()
    prepared = []
    for label, url, model, pk, field_name in targets:
        form = page_form(clients[0].get(url).content).data()
        version = model.objects.get(pk=pk).version
        assert form["version"] == str(version)
        history = model.history.filter(id=pk).count()
        prepared.append((label, url, model, pk, field_name, form, version, history))

    def post(i, client, url, data, barrier):
        try:
            barrier.wait(timeout=30)
            return client.post(url, data).status_code
        except Exception as error:  # the test client raises what the view raised: a 500
            return f"500 ({type(error).__name__}: {error})"
        finally:
            connections.close_all()

    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as pool:
        for label, url, model, pk, field_name, form, version, history in prepared:
            barrier = threading.Barrier(THREADS)
            texts = [f"Edited by racer {i} ({label})" for i in range(THREADS)]
            futures = []
            for i, client in enumerate(clients):
                data = {**form, field_name: texts[i]}
                futures.append(pool.submit(post, i, client, url, data, barrier))
            statuses = [f.result(timeout=120) for f in futures]
            record = model.objects.get(pk=pk)
            winners = [i for i, s in enumerate(statuses) if s == 302]
            problems = []
            if len(winners) != 1 or sorted(map(str, statuses)) != sorted(
                ["302"] + ["409"] * (THREADS - 1)
            ):
                problems.append(f"statuses {statuses}")
            if record.version != version + 1:
                problems.append(f"version {record.version}, expected {version + 1}")
            new_rows = model.history.filter(id=pk).count() - history
            if new_rows != 1:
                problems.append(f"{new_rows} new history rows")
            if len(winners) == 1 and getattr(record, field_name) != texts[winners[0]]:
                problems.append("the saved text is not the winner's")
            if problems:
                failures.append(f"{label}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
