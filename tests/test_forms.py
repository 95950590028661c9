"""The forms officers use to keep the register, driven through the pages as a browser would:
each form is read from its page, filled in and sent (issue 4, items 1, 3, 4 and 5).

- What each form does, the success message after the redirect and the history it leaves
  (with the reason, where the form has a reason box).
- Bad input never breaks anything: HTML comes back as text, over-long text and impossible
  dates are refused with a message and nothing is saved, Welsh and emoji round-trip.
- Query counts of every form page: the same at the demonstration size and at ten times more.

Most tests are methods of ``WorldTestCase`` (tests/test_permissions.py): the demonstration data
is loaded once per class and each test's writes are rolled back.
"""

# ruff: noqa: RUF001  (the Welsh and the council's own curly quotes are meant)

import datetime
import io

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from recommendations.models import (
    ActionPlanItem,
    Recommendation,
    TargetDateRevision,
    Update,
)
from reviews.models import (
    Committee,
    Councillor,
    Meeting,
    Review,
    ReviewMember,
)

from .test_paste import SEED_003
from .test_permissions import (
    HARROW,
    MERTON_2016,
    WorldTestCase,
    changed,
    client_for,
    page_form,
    snapshot,
)

WELSH = "Gwasanaethau a rennir ŵ ŷ 🙂"
HTML = '<script>alert("x")</script><b>bold</b> & <img src=x onerror=alert(1)>'
HTML_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; "
PROBLEM = "There is a problem"
# A recommendation number already used: its generated reference is taken too, so either rule
# may be the one named.
SAME_NUMBER = (
    "already has a recommendation with that number",
    "already used by another recommendation",
)


class FormTestCase(WorldTestCase):
    """A scrutiny officer's client, and helpers to fill in and send a page's form."""

    def setUp(self):
        self.client = client_for("officer", self.w)

    def form(self, url: str, client: Client | None = None) -> dict:
        response = (client or self.client).get(url)
        assert response.status_code == 200, (url, response.status_code)
        return page_form(response.content).data()

    def send(self, url: str, changes: dict, client: Client | None = None, **kwargs):
        """Open the form, change what ``changes`` says, send it, follow the redirect."""
        client = client or self.client
        data = self.form(url, client)
        data.update(changes)
        return client.post(url, data, follow=True, **kwargs)

    def assert_saved(self, response, message: str):
        assert getattr(response, "redirect_chain", None), (
            f"not saved: {response.status_code} {self.errors_of(response)}"
        )
        assert response.status_code == 200
        assert message in response.content.decode(), f"no success message {message!r}"

    def assert_refused(self, response, *messages: str, any_of: tuple[str, ...] = ()):
        """Refused: the form again (200) with the problem named; ``messages`` must all be on
        the page, and one of ``any_of`` (where a fix could reasonably name either rule)."""
        assert not getattr(response, "redirect_chain", None), "the submission was saved"
        assert response.status_code == 200
        html = response.content.decode()
        assert PROBLEM in html
        for message in messages:
            assert message in html, f"{message!r} not in {self.errors_of(response)}"
        if any_of:
            assert any(m in html for m in any_of), f"none of {any_of} in {self.errors_of(response)}"

    @staticmethod
    def errors_of(response) -> list[str]:
        import re

        html = response.content.decode()
        return re.findall(r'class="govuk-error-message">(.*?)</p>', html, re.S)

    @property
    def merton(self) -> Review:
        return Review.objects.get(pk=self.w.merton)

    @property
    def harrow(self) -> Review:
        return Review.objects.get(pk=self.w.harrow)

    @staticmethod
    def merton15() -> Review:
        return Review.objects.get(title="Shared services in Merton")


# --- reviews, committees and meetings ---------------------------------------------------------


class TestReviewForms(FormTestCase):
    def test_create_a_review_with_members_and_a_chair(self):
        osc = Committee.objects.get(pk=self.w.osc)
        chair, *others = Councillor.objects.order_by("name")[:3]
        response = self.send(
            reverse("review_create"),
            {
                "title": "Libraries and the community hubs",
                "review_type": "task_and_finish_group",
                "commissioning_committee": str(osc.pk),
                "scope": "How the libraries could become community hubs.",
                "scope_agreed_on_0": "14",
                "scope_agreed_on_1": "9",
                "scope_agreed_on_2": "2022",
                "members": [str(c.pk) for c in others],
                "chair": str(chair.pk),
                "change_reason": "Agreed by the Commission",
            },
        )
        self.assert_saved(response, "Saved the review “Libraries and the community hubs”.")
        review = Review.objects.get(title="Libraries and the community hubs")
        assert review.scope_agreed_on == datetime.date(2022, 9, 14)
        assert review.municipal_year == "2022/23"
        places = {m.councillor_id: m.role for m in review.members.all()}
        assert places == {chair.pk: "chair", **{c.pk: "member" for c in others}}
        rows = ReviewMember.history.filter(review_id=review.pk)
        assert rows.count() == 3 and {r.history_type for r in rows} == {"+"}
        assert {r.history_change_reason for r in rows} == {"Agreed by the Commission"}
        assert review.history.get().history_change_reason == "Agreed by the Commission"

    def test_edit_a_review_with_a_reason_kept_in_the_history(self):
        review = self.merton15()
        leaving = review.members.exclude(role="chair").first()
        data = self.form(reverse("review_edit", args=[review.pk]))
        data["members"] = [m for m in data["members"] if m != str(leaving.councillor_id)]
        data.update(
            title="Shared services in Merton (task group)",
            change_reason="Title as printed on the report",
        )
        response = self.client.post(reverse("review_edit", args=[review.pk]), data, follow=True)
        self.assert_saved(response, "Saved the review “Shared services in Merton (task group)”.")
        latest = Review.history.filter(id=review.pk).first()
        assert latest.title == "Shared services in Merton (task group)"
        assert latest.history_change_reason == "Title as printed on the report"
        assert latest.history_user.username == "so-m"
        gone = ReviewMember.history.filter(id=leaving.pk).first()
        assert gone.history_type == "-"
        assert gone.history_change_reason == "Title as printed on the report"

    def test_record_receipt_at_the_executive_shows_the_response_deadline(self):
        review = self.merton15()
        url = reverse("review_receipt", args=[review.pk])
        cabinet_meeting = Meeting.objects.get(committee__name="Merton Cabinet")
        options = page_form(self.client.get(url).content).options("report_received_meeting")
        # Only meetings of the executive are offered.
        assert str(cabinet_meeting.pk) in options
        assert str(self.w.july_2017) not in options
        response = self.send(url, {"report_received_meeting": str(cabinet_meeting.pk)})
        self.assert_saved(
            response,
            "Recorded: the executive received the report. The response is due on 13 January 2017.",
        )
        review.refresh_from_db()
        assert review.report_received_on == datetime.date(2016, 11, 14)

    def test_receipt_before_the_report_was_agreed_is_refused_with_a_message(self):
        """Harrow's report was agreed on 20 April 2021; Merton Cabinet met in 2016."""
        url = reverse("review_receipt", args=[self.w.harrow])
        before = snapshot()
        cabinet_meeting = Meeting.objects.get(committee__name="Merton Cabinet")
        response = self.send(url, {"report_received_meeting": str(cabinet_meeting.pk)})
        self.assert_refused(
            response, "The executive cannot receive the report before the committee agreed it."
        )
        assert not changed(before, snapshot())

    def test_an_extension_needs_its_reason(self):
        review = self.merton15()
        url = reverse("review_extension", args=[review.pk])
        before = snapshot()
        response = self.send(
            url,
            {
                "extended_deadline_0": "28",
                "extended_deadline_1": "2",
                "extended_deadline_2": "2017",
            },
        )
        self.assert_refused(response, "This field is required.")
        assert not changed(before, snapshot())
        response = self.send(
            url,
            {
                "extended_deadline_0": "28",
                "extended_deadline_1": "2",
                "extended_deadline_2": "2017",
                "extension_reason": "The Cabinet meeting in January was cancelled.",
            },
        )
        self.assert_saved(response, "The response deadline is now 28 February 2017.")
        review.refresh_from_db()
        assert review.extended_deadline == datetime.date(2017, 2, 28)

    def test_a_report_agreed_after_the_executive_received_it_is_refused_with_a_message(self):
        """The model's rule is about a date the form does not show (the receipt): the form must
        still say what is wrong."""
        url = reverse("review_edit", args=[self.w.merton])
        before = snapshot()
        response = self.send(
            url,
            {
                "report_agreed_meeting": "",
                "report_agreed_on_0": "1",
                "report_agreed_on_1": "1",
                "report_agreed_on_2": "2017",
            },
        )
        self.assert_refused(
            response, "The executive cannot receive the report before the committee agreed it."
        )
        assert not changed(before, snapshot())

    def test_a_new_report_date_moves_the_generated_references_or_is_refused(self):
        url = reverse("review_edit", args=[self.w.merton])
        # Into 2015/16, where "Shared services in Merton" holds 2015/16 R1 to R9: refused.
        before = snapshot()
        response = self.send(
            url,
            {
                "report_agreed_meeting": "",
                "report_agreed_on_0": "7",
                "report_agreed_on_1": "7",
                "report_agreed_on_2": "2015",
                "change_reason": "Date corrected",
            },
        )
        self.assert_refused(
            response,
            "2015/16 R1 is already the reference of recommendation 1 of “Shared services in "
            "Merton”",
            "Give this review a reference prefix",
        )
        assert not changed(before, snapshot())
        # With a prefix the references move to their new year, each with history.
        response = self.send(
            url,
            {
                "report_agreed_meeting": "",
                "report_agreed_on_0": "7",
                "report_agreed_on_1": "7",
                "report_agreed_on_2": "2015",
                "reference_prefix": "SOS",
                "change_reason": "Date corrected",
            },
        )
        self.assert_saved(response, "Saved the review")
        r1 = Recommendation.objects.get(review_id=self.w.merton, number=1)
        assert r1.reference == "2015/16 SOS R1"
        assert r1.history.first().history_change_reason == (
            "Reference follows the review's report date: 2016/17 R1 to 2015/16 SOS R1"
        )

    def test_committee_and_meeting_forms(self):
        response = self.send(
            reverse("committee_create"),
            {"name": "Sustainable Communities Panel", "short_name": "SCP", "kind": "scrutiny"},
        )
        self.assert_saved(response, "Saved Sustainable Communities Panel.")
        panel = Committee.objects.get(name="Sustainable Communities Panel")
        response = self.send(
            reverse("meeting_create") + f"?committee={panel.pk}",
            {"date_0": "3", "date_1": "10", "date_2": "2022", "location": "Committee Room B"},
        )
        self.assert_saved(response, "Saved the meeting: Sustainable Communities Panel, 3 October")
        meeting = panel.meetings.get()
        assert meeting.date == datetime.date(2022, 10, 3)
        # A second meeting of the panel that day is refused in words.
        before = snapshot()
        response = self.send(
            reverse("meeting_create"),
            {"committee": str(panel.pk), "date_0": "3", "date_1": "10", "date_2": "2022"},
        )
        self.assert_refused(response, "This committee already has a meeting on that day.")
        assert not changed(before, snapshot())
        response = self.send(
            reverse("meeting_edit", args=[meeting.pk]),
            {"location": "Council Chamber", "change_reason": "Room changed"},
        )
        self.assert_saved(response, "Saved the meeting")
        assert meeting.history.first().history_change_reason == "Room changed"


# --- recommendations ---------------------------------------------------------------------------


class TestRecommendationForms(FormTestCase):
    def test_add_a_recommendation_with_a_generated_reference(self):
        url = reverse("recommendation_create", args=[self.w.harrow])
        assert self.form(url)["number"] == "4"
        response = self.send(
            url, {"text": "That the Cabinet reports on shared services each year."}
        )
        self.assert_saved(response, "Added recommendation 4.")
        rec = self.harrow.recommendations.get(number=4)
        assert rec.reference == "2020/21 R4" and rec.reference_is_generated
        assert rec.history.get().history_type == "+"

    def test_edit_a_recommendation_with_a_reason(self):
        url = reverse("recommendation_edit", args=[self.w.r1])
        response = self.send(
            url, {"service_area": "Corporate Services", "change_reason": "From the action plan"}
        )
        self.assert_saved(response, "Saved recommendation 1.")
        latest = Recommendation.history.filter(id=self.w.r1).first()
        assert latest.service_area == "Corporate Services"
        assert latest.history_change_reason == "From the action plan"

    def test_a_recommendation_number_already_used_is_refused_with_a_message(self):
        url = reverse("recommendation_create", args=[self.w.merton])
        before = snapshot()
        response = self.send(url, {"number": "1", "text": "A second recommendation 1"})
        self.assert_refused(response, any_of=SAME_NUMBER)
        assert not changed(before, snapshot())

    def test_renumbering_onto_another_recommendation_is_refused_with_a_message(self):
        url = reverse("recommendation_edit", args=[self.w.r1])
        before = snapshot()
        response = self.send(url, {"number": "2"})
        self.assert_refused(response, any_of=SAME_NUMBER)
        assert not changed(before, snapshot())

    def test_a_typed_reference_used_elsewhere_is_refused_with_a_message(self):
        url = reverse("recommendation_edit", args=[self.w.r1])
        before = snapshot()
        response = self.send(url, {"reference_typed": "2015/16 R3"})
        self.assert_refused(
            response,
            "2015/16 R3 is already the reference of recommendation 3 of “Shared services in "
            "Merton”. Type another reference, or leave it blank to give it the generated one.",
        )
        assert not changed(before, snapshot())

    def test_close_a_recommendation_with_the_minute_reference(self):
        url = reverse("recommendation_close", args=[self.w.r1])
        before = snapshot()
        response = self.send(url, {"meeting": str(self.w.july_2017), "minute_reference": " "})
        self.assert_refused(response)
        assert not changed(before, snapshot())
        response = self.send(url, {"meeting": str(self.w.july_2017), "minute_reference": "Min 7"})
        self.assert_saved(response, "Closed recommendation 1.")
        rec = Recommendation.objects.get(pk=self.w.r1)
        assert rec.closed_on == datetime.date(2017, 7, 6)
        assert rec.closure_minute_reference == "Min 7" and rec.status == "closed"


class TestPaste(FormTestCase):
    def setUp(self):
        super().setUp()
        review = Review(
            title="Shared services task group (pasted)",
            review_type="task_group",
            commissioning_committee_id=self.w.osc,
            report_agreed_on=datetime.date(2022, 7, 14),
        )
        review.save()
        self.review = review
        self.url = reverse("recommendation_paste", args=[review.pk])

    def preview(self, text=SEED_003):
        response = self.client.post(self.url, {"text": text})
        assert response.status_code == 200
        return response

    def test_step_one_shows_what_was_understood_and_saves_nothing(self):
        before = snapshot()
        response = self.preview()
        html = response.content.decode()
        assert "9 recommendations understood" in html
        assert "Nothing has been saved yet" in html
        data = page_form(html).data()
        assert data["form-TOTAL_FORMS"] == "9"
        assert [data[f"form-{i}-number"] for i in range(9)] == [str(n) for n in range(1, 10)]
        assert data["form-0-paragraph_reference"] == "paragraph 14"
        assert data["form-1-text"].startswith("We recommend that decision making on the")
        assert "Responsible body as written: Cabinet – delegated to CMT" in html
        assert not changed(before, snapshot())

    def test_step_two_adds_the_ticked_items(self):
        data = page_form(self.preview().content).data()
        del data["form-2-include"]  # untick recommendation 3
        data["form-4-text"] = data["form-4-text"] + " (corrected)"
        response = self.client.post(self.url, data, follow=True)
        self.assert_saved(response, "Added 8 recommendations: 2022/23 R1, 2022/23 R2, 2022/23 R4")
        recs = list(self.review.recommendations.order_by("number"))
        assert [r.number for r in recs] == [1, 2, 4, 5, 6, 7, 8, 9]
        assert [r.reference for r in recs][:2] == ["2022/23 R1", "2022/23 R2"]
        assert recs[0].paragraph_reference == "paragraph 14"
        assert recs[3].text.endswith("(corrected)")
        assert recs[0].history.get().history_change_reason == "Pasted from the report"

    def test_numbers_used_twice_are_refused_and_nothing_is_added(self):
        data = page_form(self.preview().content).data()
        data["form-3-number"] = "2"
        before = snapshot()
        response = self.client.post(self.url, data)
        self.assert_refused(response, "Number 2 is used twice.")
        assert not changed(before, snapshot())

    def test_a_number_the_review_already_has_is_refused(self):
        Recommendation(review=self.review, number=1, text="Already there").save()
        data = page_form(self.preview().content).data()
        assert "form-0-include" not in data, "an existing number is not ticked"
        data["form-0-include"] = "on"
        before = snapshot()
        response = self.client.post(self.url, data)
        self.assert_refused(response, "The review already has a recommendation 1.")
        assert not changed(before, snapshot())

    def test_the_preview_shows_the_reference_each_will_be_given(self):
        html = self.preview().content.decode()
        assert "Reference it will be given: <strong>2022/23 R1</strong>" in html
        assert "Leave blank to give it 2022/23 R9." in html
        assert "Reference prefix for this review" in html

    def test_a_second_review_of_the_year_is_shown_the_clash_and_given_a_prefix(self):
        """A review agreed in 2016/17 without a prefix would generate "2016/17 R1", which
        Merton's 2016 review already holds: the preview says so before anything is saved, the
        confirmation is refused naming it, and the prefix typed on the preview fixes it."""
        self.review.report_agreed_on = datetime.date(2016, 9, 1)
        self.review.save()
        clash = (
            "2016/17 R1 is already the reference of recommendation 1 of “Shared and outsourced "
            "services in Merton”. Give this review a reference prefix, such as “SSTGP”, so that "
            "its references are told apart (“2016/17 SSTGP R1”), or type another reference."
        )
        response = self.preview()
        assert clash in response.content.decode()
        data = page_form(response.content).data()
        before = snapshot()
        response = self.client.post(self.url, data)
        self.assert_refused(response, f"Recommendation 1: {clash}")
        assert not changed(before, snapshot())
        assert (
            "Reference it will be given: <strong>2016/17 R9</strong>" in response.content.decode()
        )
        data = page_form(response.content).data()
        data["review-reference_prefix"] = "SST"
        response = self.client.post(self.url, data, follow=True)
        self.assert_saved(response, "Added 9 recommendations: 2016/17 SST R1, 2016/17 SST R2")
        self.review.refresh_from_db()
        assert self.review.reference_prefix == "SST"
        assert self.review.history.first().history_change_reason == (
            "Reference prefix “SST” given while pasting recommendations"
        )

    def test_a_reference_typed_on_the_preview_is_kept_and_a_clash_named(self):
        data = page_form(self.preview().content).data()
        data["form-0-reference"] = "2015/16 R3"
        before = snapshot()
        response = self.client.post(self.url, data)
        self.assert_refused(
            response,
            "2015/16 R3 is already the reference of recommendation 3 of “Shared services in "
            "Merton”. Type another reference, or leave it blank to give it the generated one.",
        )
        assert not changed(before, snapshot())
        data["form-0-reference"] = "OSC/22/1"
        data["form-1-reference"] = "OSC/22/1"
        response = self.client.post(self.url, data)
        self.assert_refused(response, "The reference OSC/22/1 is typed twice")
        assert not changed(before, snapshot())
        data["form-1-reference"] = ""
        response = self.client.post(self.url, data, follow=True)
        self.assert_saved(response, "Added 9 recommendations: OSC/22/1, 2022/23 R2")
        rec = self.review.recommendations.get(number=1)
        assert rec.reference == "OSC/22/1" and not rec.reference_is_generated

    def test_a_prefix_changed_meanwhile_is_refused_showing_both(self):
        data = page_form(self.preview().content).data()
        data["review-reference_prefix"] = "SST"
        self.review.reference_prefix = "TG"
        self.review.save(reason="Someone else")
        before = snapshot()
        response = self.client.post(self.url, data)
        self.assert_refused(
            response,
            "The review was changed by someone else since this page was opened: its reference "
            "prefix is now “TG” (you gave “SST”).",
        )
        assert not changed(before, snapshot())

    def test_nothing_recognised_says_so(self):
        response = self.client.post(self.url, {"text": "Minutes of the meeting."})
        self.assert_refused(response, "No recommendations were recognised.")


class TestResponses(FormTestCase):
    def url(self):
        return reverse("review_responses", args=[self.w.harrow])

    def recs(self):
        return list(self.harrow.recommendations.order_by("number"))

    def test_a_rejection_without_reason_is_refused_beside_it_and_nothing_is_saved(self):
        r1, r2, r3 = self.recs()
        before = snapshot()
        response = self.send(
            self.url(),
            {
                "date_0": "1",
                "date_1": "7",
                "date_2": "2021",
                f"rec-{r1.pk}-decision": "accepted",
                f"rec-{r2.pk}-decision": "rejected",
                f"rec-{r3.pk}-decision": "noted",
                f"rec-{r3.pk}-response_text": "Referred to the Shared Services Board.",
            },
        )
        self.assert_refused(response)
        html = response.content.decode()
        card = html.split('id="recommendation-2"')[1].split('id="recommendation-3"')[0]
        assert "Give the executive&#x27;s reason: “rejected” needs one." in card
        assert "Recommendation 2: Give the executive" in html  # in the error summary too
        assert not changed(before, snapshot())

    def test_responses_are_saved_together_with_the_date(self):
        r1, r2, r3 = self.recs()
        response = self.send(
            self.url(),
            {
                "meeting": str(self.w.harrow_cabinet_meeting),
                f"rec-{r1.pk}-decision": "accepted",
                f"rec-{r2.pk}-decision": "rejected",
                f"rec-{r2.pk}-response_text": "Not affordable this year.",
            },
        )
        self.assert_saved(response, "Saved the executive&#x27;s response (2 changed).")
        r1, r2, r3 = self.recs()
        assert (r1.decision, r2.decision, r3.decision) == ("accepted", "rejected", "")
        assert r2.response_text == "Not affordable this year."
        assert r1.response_date == datetime.date(2021, 6, 14)
        review = self.harrow
        assert review.response_given_on == datetime.date(2021, 6, 14)
        assert review.response_meeting_id == self.w.harrow_cabinet_meeting

    def test_a_response_dated_before_receipt_is_refused_with_a_message(self):
        review = self.harrow
        review.report_received_meeting_id = self.w.harrow_cabinet_meeting
        review.save()
        r1, _, _ = self.recs()
        before = snapshot()
        response = self.send(
            self.url(),
            {"date_0": "1", "date_1": "6", "date_2": "2021", f"rec-{r1.pk}-decision": "accepted"},
        )
        self.assert_refused(
            response, "The response cannot come before the executive received the report."
        )
        assert not changed(before, snapshot())

    def test_a_meeting_and_a_different_date_are_refused_with_a_message(self):
        r1, _, _ = self.recs()
        before = snapshot()
        response = self.send(
            self.url(),
            {
                "meeting": str(self.w.harrow_cabinet_meeting),
                "date_0": "2",
                "date_1": "7",
                "date_2": "2021",
                f"rec-{r1.pk}-decision": "accepted",
            },
        )
        self.assert_refused(response, "The date must be the date of the meeting")
        assert not changed(before, snapshot())

    def test_no_meeting_and_no_date_is_refused(self):
        r1, _, _ = self.recs()
        before = snapshot()
        response = self.send(self.url(), {f"rec-{r1.pk}-decision": "accepted"})
        self.assert_refused(response, "Choose the meeting, or give the date of the response.")
        assert not changed(before, snapshot())


# --- the action plan and updates -------------------------------------------------------------


class TestActionForms(FormTestCase):
    def r3(self):
        return Recommendation.objects.get(reference="2016/17 R3")

    def test_add_an_action(self):
        r3 = self.r3()
        url = reverse("action_create", args=[r3.pk])
        assert self.form(url)["number"] == "2"
        ellis = r3.actions.get().owner
        response = self.send(
            url,
            {
                "action": "Brief the corporate teams on the delivery models.",
                "timeline": "Spring 2018",
                "target_date_0": "31",
                "target_date_1": "3",
                "target_date_2": "2018",
                "owner": str(ellis.pk),
                "status": "on_track",
            },
        )
        self.assert_saved(response, "Added action 2.")
        action = r3.actions.get(number=2)
        assert action.first_target_date == datetime.date(2018, 3, 31)
        assert action.history.get().history_type == "+"

    def test_edit_an_action_with_a_reason(self):
        url = reverse("action_edit", args=[self.w.own_action])
        form = self.form(url)
        assert "target_date_0" not in form, "a set target changes only through a revision"
        response = self.send(
            url, {"timeline": "By March 2018", "change_reason": "Agreed with the partner"}
        )
        self.assert_saved(response, "Saved action 1.")
        latest = ActionPlanItem.history.filter(id=self.w.own_action).first()
        assert latest.timeline == "By March 2018"
        assert latest.history_change_reason == "Agreed with the partner"

    def test_an_action_number_already_used_is_refused_with_a_message(self):
        url = reverse("action_create", args=[self.w.r1])
        before = snapshot()
        response = self.send(url, {"number": "1", "action": "A second action 1"})
        self.assert_refused(response, "already has an action with that number")
        assert not changed(before, snapshot())

    def test_an_action_number_must_be_at_least_one(self):
        url = reverse("action_create", args=[self.w.r1])
        before = snapshot()
        response = self.send(url, {"number": "0", "action": "Action nought"})
        self.assert_refused(response)  # the form sets min_value=1: actions are numbered from 1
        assert not changed(before, snapshot())

    def test_revise_a_target_date_needs_a_reason_and_keeps_the_first(self):
        url = reverse("action_revise_target", args=[self.w.own_action])
        new = {"new_date_0": "30", "new_date_1": "6", "new_date_2": "2018"}
        before = snapshot()
        self.assert_refused(self.send(url, new), "This field is required.")
        self.assert_refused(
            self.send(
                url,
                {
                    "new_date_0": "31",
                    "new_date_1": "12",
                    "new_date_2": "2017",
                    "reason": "No change",
                },
            ),
            "That is already the target date.",
        )
        assert not changed(before, snapshot())
        response = self.send(url, {**new, "reason": "Waiting for the new finance system."})
        self.assert_saved(response, "Revised the target date of action 1.")
        action = ActionPlanItem.objects.get(pk=self.w.own_action)
        assert action.target_date == datetime.date(2018, 6, 30)
        assert action.first_target_date == datetime.date(2017, 12, 31)
        assert action.target_revision_count == 1
        revision = TargetDateRevision.objects.get(action=action)
        assert revision.previous_target_date == datetime.date(2017, 12, 31)
        assert revision.reason == "Waiting for the new finance system."
        assert action.history.first().history_change_reason == revision.reason

    def test_revising_a_target_date_offers_the_timeline_by_the_new_date(self):
        url = reverse("action_revise_target", args=[self.w.own_action])
        action = ActionPlanItem.objects.get(pk=self.w.own_action)
        page = self.client.get(url).content.decode()
        assert f"Now “{action.timeline}”" in page
        assert 'data-module="app-timeline-from-date"' in page  # the script's hook
        assert f'data-timeline-now="{action.timeline}"' in page  # what it may write over
        assert self.form(url)["timeline"] == action.timeline  # starts as it stands
        new = {"new_date_0": "31", "new_date_1": "3", "new_date_2": "2027"}
        # Left empty: "By" and the new date.
        response = self.send(url, {**new, "reason": "Partner's timetable", "timeline": ""})
        self.assert_saved(response, "Revised the target date of action 1.")
        action.refresh_from_db()
        assert action.timeline == "By 31 March 2027"
        assert action.history.first().history_change_reason == "Partner's timetable"
        # Changed by the officer: their words, with the date, in one history row.
        count = action.history.count()
        new = {"new_date_0": "30", "new_date_1": "6", "new_date_2": "2027"}
        response = self.send(url, {**new, "reason": "Later", "timeline": "Summer 2027"})
        self.assert_saved(response, "Revised the target date of action 1.")
        action.refresh_from_db()
        assert (action.timeline, action.target_date) == ("Summer 2027", datetime.date(2027, 6, 30))
        assert action.history.count() == count + 1

    def test_a_timeline_too_long_is_refused_and_nothing_changes(self):
        url = reverse("action_revise_target", args=[self.w.own_action])
        before = snapshot()
        response = self.send(
            url,
            {
                "new_date_0": "31",
                "new_date_1": "3",
                "new_date_2": "2027",
                "reason": "More time",
                "timeline": "x" * 201,
            },
        )
        self.assert_refused(response, "Keep this to 200 characters or fewer.")
        assert not changed(before, snapshot())

    def test_remove_an_action_needs_a_reason_and_the_history_keeps_it(self):
        action = self.r3().actions.get()
        url = reverse("action_remove", args=[action.pk])
        before = snapshot()
        self.assert_refused(self.send(url, {"reason": ""}), "This field is required.")
        assert not changed(before, snapshot())
        response = self.send(url, {"reason": "Covered by the training action of R4."})
        self.assert_saved(response, "Removed action 1. The history keeps it.")
        assert not ActionPlanItem.objects.filter(pk=action.pk).exists()
        gone = ActionPlanItem.history.filter(id=action.pk).first()
        assert gone.history_type == "-"
        assert gone.history_change_reason == "Covered by the training action of R4."
        assert gone.action == action.action

    def test_a_lead_officer_posts_an_update_on_their_action(self):
        r2 = Recommendation.objects.get(reference="2016/17 R2")
        action = r2.actions.get()
        lead = client_for("lead_owner", self.w)
        url = reverse("update_create", args=[r2.pk])
        response = self.send(
            url,
            {
                "action": str(action.pk),
                "date_0": "6",
                "date_1": "7",
                "date_2": "2017",
                "text": "The business case template is in use.",
                "reported_status": "achieved",
                "reported_to": str(self.w.july_2017),
            },
            client=lead,
        )
        self.assert_saved(response, "Posted the update.")
        update = Update.objects.get(text="The business case template is in use.")
        assert update.author.name == "Sophie Ellis" and update.action_id == action.pk
        action.refresh_from_db()
        assert action.status == "achieved"
        assert action.history.first().history_user.username == "leadofficer"
        assert Recommendation.objects.get(pk=r2.pk).status == "achieved"


# --- bad input --------------------------------------------------------------------------------


def _over_limit_cases():
    """(name, URL maker, field, text, the limit in the message)."""
    long_text, line = "w" * 20_001, "l" * 301
    return [
        ("review title", lambda w: reverse("review_create"), "title", line, "300"),
        (
            "review scope",
            lambda w: reverse("review_edit", args=[w.merton]),
            "scope",
            long_text,
            "20,000",
        ),
        (
            "change reason",
            lambda w: reverse("review_edit", args=[w.merton]),
            "change_reason",
            long_text,
            "20,000",
        ),
        (
            "extension reason",
            lambda w: reverse("review_extension", args=[w.harrow]),
            "extension_reason",
            long_text,
            "20,000",
        ),
        ("committee name", lambda w: reverse("committee_create"), "name", "c" * 201, "200"),
        (
            "meeting location",
            lambda w: reverse("meeting_edit", args=[w.july_2017]),
            "location",
            "m" * 201,
            "200",
        ),
        (
            "recommendation text",
            lambda w: reverse("recommendation_edit", args=[w.r1]),
            "text",
            long_text,
            "20,000",
        ),
        (
            "paragraph reference",
            lambda w: reverse("recommendation_edit", args=[w.r1]),
            "paragraph_reference",
            "p" * 51,
            "50",
        ),
        (
            "typed reference",
            lambda w: reverse("recommendation_edit", args=[w.r1]),
            "reference_typed",
            "r" * 41,
            "40",
        ),
        (
            "action",
            lambda w: reverse("action_edit", args=[w.own_action]),
            "action",
            long_text,
            "20,000",
        ),
        (
            "timeline",
            lambda w: reverse("action_edit", args=[w.own_action]),
            "timeline",
            "t" * 201,
            "200",
        ),
        (
            "update text",
            lambda w: reverse("update_create", args=[w.r1]),
            "text",
            long_text,
            "20,000",
        ),
        (
            "revision reason",
            lambda w: reverse("action_revise_target", args=[w.own_action]),
            "reason",
            "x" * 2001,
            "2,000",
        ),
        (
            "removal reason",
            lambda w: reverse("action_remove", args=[w.own_action]),
            "reason",
            "x" * 2001,
            "2,000",
        ),
        (
            "minute reference",
            lambda w: reverse("recommendation_close", args=[w.r1]),
            "minute_reference",
            "m" * 51,
            "50",
        ),
    ]


class TestBadInput(FormTestCase):
    def test_text_over_the_limit_is_refused_with_a_message_and_nothing_saved(self):
        """Every text box has a limit, refused in the project's words; nothing is saved."""
        failures = []
        for name, make_url, field, text, limit in _over_limit_cases():
            url = make_url(self.w)
            data = self.form(url)
            data.update(self.valid_extras(url))
            data[field] = text
            before = snapshot()
            response = self.client.post(url, data)
            html = response.content.decode()
            message = f"Keep this to {limit} characters or fewer."
            if response.status_code != 200 or PROBLEM not in html:
                failures.append(f"{name}: {response.status_code}, not refused")
            elif message not in html:
                failures.append(f"{name}: refused with {self.errors_of(response)}, not {message!r}")
            if changed(before, snapshot()):
                failures.append(f"{name}: something was saved")
        assert not failures, "\n".join(failures)

    def test_an_over_long_response_is_refused_with_a_message(self):
        rec = self.harrow.recommendations.first()
        before = snapshot()
        response = self.send(
            reverse("review_responses", args=[self.w.harrow]),
            {
                "date_0": "1",
                "date_1": "7",
                "date_2": "2021",
                f"rec-{rec.pk}-decision": "rejected",
                f"rec-{rec.pk}-response_text": "r" * 20_001,
            },
        )
        self.assert_refused(response, "Keep this to 20,000 characters or fewer.")
        assert not changed(before, snapshot())

    def test_an_over_long_paste_is_refused_with_a_message(self):
        from recommendations.paste import MAX_PASTE_CHARS

        url = reverse("recommendation_paste", args=[self.w.harrow])
        response = self.client.post(url, {"text": "1. " + "x" * MAX_PASTE_CHARS})
        self.assert_refused(response, f"Paste at most {MAX_PASTE_CHARS:,} characters.")

    def valid_extras(self, url):
        """What else a form needs to be valid, so only the long text is wrong."""
        if "target" in url:
            return {"new_date_0": "30", "new_date_1": "6", "new_date_2": "2018", "reason": "x"}
        if "remove" in url:
            return {"reason": "x"}
        if "close" in url:
            return {"meeting": str(self.w.july_2017), "minute_reference": "Min 7"}
        if "updates" in url:
            return {"text": "x", "action": str(self.w.own_action)}
        if "extension" in url:
            return {
                "extended_deadline_0": "1",
                "extended_deadline_1": "10",
                "extended_deadline_2": "2021",
                "extension_reason": "x",
            }
        if url == reverse("review_create"):
            return {
                "title": "x",
                "review_type": "task_group",
                "commissioning_committee": str(self.w.osc),
            }
        if url == reverse("committee_create"):
            return {"name": "x", "kind": "scrutiny"}
        return {}

    def check_dates(self, url, names, extras, cases):
        failures = []
        for parts, message in cases:
            data = self.form(url)
            data.update(extras)
            data.update(dict(zip(names, parts, strict=True)))
            before = snapshot()
            try:
                response = self.client.post(url, data)
            except Exception as error:  # what the test client raises is a 500 in production
                failures.append(f"{parts}: 500 ({type(error).__name__}: {error})")
                continue
            html = response.content.decode()
            if response.status_code != 200 or message not in html:
                failures.append(f"{parts}: {response.status_code} {self.errors_of(response)}")
            if changed(before, snapshot()):
                failures.append(f"{parts}: something was saved")
        assert not failures, "\n".join(failures)

    DATE_CASES = [
        (("31", "2", "2017"), "The date must be a real date."),
        (("30", "2", "2020"), "The date must be a real date."),
        (("1", "13", "2017"), "The date must be a real date."),
        (("0", "1", "2017"), "The date must be a real date."),
        (("1", "1", "17"), "The year must have 4 numbers, for example 2017."),
        (("1", "1", "20170"), "The year must have 4 numbers, for example 2017."),
        (("1", "1", "1066"), "The year must have 4 numbers, for example 2017."),
        (("", "2", "2017"), "The date must include a day."),
        (("1", "", ""), "The date must include a month and year."),
        (("1st", "Feb", "2017"), "The date must be numbers, for example 14 11 2016."),
        (("-1", "2", "2017"), "The date must be numbers, for example 14 11 2016."),
        (("1.5", "2", "2017"), "The date must be numbers, for example 14 11 2016."),
    ]

    # Digits Python's str.isdigit accepts but int() refuses, and numbers too big for a date.
    DATE_CASES_ODD = [
        (("²", "2", "2017"), "The date must be numbers, for example 14 11 2016."),
        (("1", "2", "²⁰¹⁷"), "The date must be numbers, for example 14 11 2016."),
        (("99999999999999999999", "2", "2017"), "The date must be a real date."),
        (("1", "99999999999999999999", "2017"), "The date must be a real date."),
    ]

    def test_impossible_dates_are_refused_with_a_message(self):
        self.check_dates(
            reverse("meeting_create"),
            ["date_0", "date_1", "date_2"],
            {"committee": str(self.w.osc)},
            self.DATE_CASES,
        )

    def test_impossible_dates_are_refused_on_the_target_date_revision(self):
        self.check_dates(
            reverse("action_revise_target", args=[self.w.own_action]),
            ["new_date_0", "new_date_1", "new_date_2"],
            {"reason": "Slipped"},
            self.DATE_CASES,
        )

    def test_superscript_digits_and_huge_numbers_in_a_date_are_refused_with_a_message(self):
        self.check_dates(
            reverse("review_extension", args=[self.w.harrow]),
            ["extended_deadline_0", "extended_deadline_1", "extended_deadline_2"],
            {"extension_reason": "More time"},
            self.DATE_CASES_ODD,
        )

    def test_odd_numbers_in_the_address_are_ignored_not_a_500(self):
        """?committee= and ?action= pre-fill a form; anything that is not a number is ignored."""
        failures = []
        for url in [
            reverse("meeting_create") + "?committee=²",
            reverse("meeting_create") + "?committee=99999999999999999999999",
            reverse("update_create", args=[self.w.r1]) + "?action=²",
            reverse("update_create", args=[self.w.r1]) + "?action=99999999999999999999999",
        ]:
            try:
                status = self.client.get(url).status_code
            except Exception as error:
                failures.append(f"{url}: 500 ({type(error).__name__}: {error})")
                continue
            if status != 200:
                failures.append(f"{url}: {status}")
        assert not failures, "\n".join(failures)

    def test_a_councillor_id_too_big_for_the_database_is_refused_with_a_message(self):
        url = reverse("review_edit", args=[self.w.merton])
        before = snapshot()
        for field in ["members", "chair"]:
            response = self.send(url, {field: "99999999999999999999999"})
            self.assert_refused(response)
        assert not changed(before, snapshot())

    def test_html_comes_back_as_text(self):
        """What is typed is stored as typed and shown as text, never as markup."""
        w = self.w
        self.assert_saved(
            self.send(reverse("review_edit", args=[w.merton]), {"title": HTML}),
            "Saved the review",
        )
        self.assert_saved(
            self.send(reverse("recommendation_edit", args=[w.r1]), {"text": HTML}),
            "Saved recommendation 1.",
        )
        self.assert_saved(
            self.send(reverse("action_edit", args=[w.own_action]), {"action": HTML}),
            "Saved action 1.",
        )
        self.assert_saved(
            self.send(
                reverse("update_create", args=[w.r1]),
                {"action": str(w.own_action), "text": HTML},
            ),
            "Posted the update.",
        )
        self.assert_saved(
            self.send(reverse("committee_edit", args=[w.osc]), {"name": HTML[:200]}),
            "Saved",
        )
        assert Review.objects.get(pk=w.merton).title == HTML
        assert Recommendation.objects.get(pk=w.r1).text == HTML
        assert ActionPlanItem.objects.get(pk=w.own_action).action == HTML
        assert Update.objects.filter(text=HTML).exists()
        for url in [
            reverse("review_detail", args=[w.merton]),
            reverse("review_list"),
            reverse("recommendation_detail", args=[w.r1]),
            reverse("recommendation_history", args=[w.r1]),
            reverse("review_edit", args=[w.merton]),
            reverse("recommendation_edit", args=[w.r1]),
            reverse("committee_list"),
        ]:
            html = self.client.get(url).content.decode()
            assert "<script>alert" not in html, url
            assert "<img src=x" not in html, url
            assert HTML_ESCAPED in html or "&lt;script&gt;" in html, url
        # The edit form gives the text back exactly as typed.
        assert self.form(reverse("recommendation_edit", args=[w.r1]))["text"] == HTML

    def test_html_in_the_action_plan_pdf_is_text(self):
        """The committee documents print what was typed, as text."""
        w = self.w
        typed = "<b>Shared & outsourced</b> <script>x</script>"
        self.send(reverse("recommendation_edit", args=[w.r1]), {"text": typed})
        response = self.client.get(reverse("documents_review_plan", args=[w.merton]))
        # The suite makes PDFs within the request (conftest), so this is the PDF itself.
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pdf = b"".join(response.streaming_content) if response.streaming else response.content
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        # (Without spaces: a narrow column may wrap the typed text inside its markup.)
        assert "<b>Shared&outsourced</b><script>x</script>" in "".join(text.split())

    def test_welsh_and_emoji_round_trip(self):
        w = self.w
        self.assert_saved(
            self.send(reverse("review_edit", args=[w.merton]), {"title": WELSH}),
            f"Saved the review “{WELSH}”.",
        )
        self.assert_saved(
            self.send(
                reverse("recommendation_edit", args=[w.r1]),
                {"text": f"{WELSH}: Argymhelliad 1", "change_reason": f"Newid — {WELSH}"},
            ),
            "Saved recommendation 1.",
        )
        self.assert_saved(
            self.send(
                reverse("update_create", args=[w.r1]),
                {"action": str(w.own_action), "text": f"Diweddariad: {WELSH}"},
            ),
            "Posted the update.",
        )
        assert Review.objects.get(pk=w.merton).title == WELSH
        rec = Recommendation.objects.get(pk=w.r1)
        assert rec.text == f"{WELSH}: Argymhelliad 1"
        assert rec.history.first().history_change_reason == f"Newid — {WELSH}"
        assert Update.objects.filter(text=f"Diweddariad: {WELSH}").exists()
        assert (
            WELSH in self.client.get(reverse("recommendation_detail", args=[w.r1])).content.decode()
        )
        assert self.form(reverse("review_edit", args=[w.merton]))["title"] == WELSH

    def test_every_edit_form_has_a_reason_box_kept_in_the_history(self):
        w = self.w
        cases = [
            (reverse("review_edit", args=[w.merton]), Review, w.merton, {}),
            (reverse("committee_edit", args=[w.osc]), Committee, w.osc, {}),
            (reverse("meeting_edit", args=[w.july_2017]), Meeting, w.july_2017, {}),
            (reverse("recommendation_edit", args=[w.r1]), Recommendation, w.r1, {}),
            (reverse("action_edit", args=[w.own_action]), ActionPlanItem, w.own_action, {}),
            (
                reverse("review_extension", args=[w.harrow]),
                Review,
                w.harrow,
                {"extended_deadline_0": "15", "extended_deadline_1": "10"},
            ),
            (
                reverse("review_receipt", args=[w.harrow]),
                Review,
                w.harrow,
                {"report_received_meeting": str(w.harrow_cabinet_meeting)},
            ),
        ]
        for url, model, pk, extras in cases:
            data = self.form(url)
            assert "change_reason" in data, f"{url} has no reason box"
            data.update(extras, change_reason=f"Reason for {url}")
            response = self.client.post(url, data)
            assert response.status_code == 302, (url, self.errors_of(response))
            assert model.history.filter(id=pk).first().history_change_reason == f"Reason for {url}"


# --- query counts -------------------------------------------------------------------------------


def _form_pages():
    """(label, URL, who) for every form page, at the demonstration data's objects."""
    merton = Review.objects.get(title=MERTON_2016)
    harrow = Review.objects.get(title=HARROW)
    r1 = Recommendation.objects.get(reference="2016/17 R1")
    action = r1.actions.get()
    meeting = Meeting.objects.get(date="2017-07-06")
    return [
        ("review create", reverse("review_create"), "officer"),
        ("review edit", reverse("review_edit", args=[merton.pk]), "officer"),
        ("review receipt", reverse("review_receipt", args=[harrow.pk]), "officer"),
        ("review extension", reverse("review_extension", args=[harrow.pk]), "officer"),
        ("committee create", reverse("committee_create"), "officer"),
        ("committee edit", reverse("committee_edit", args=[meeting.committee_id]), "officer"),
        ("meeting create", reverse("meeting_create"), "officer"),
        ("meeting edit", reverse("meeting_edit", args=[meeting.pk]), "officer"),
        ("recommendation create", reverse("recommendation_create", args=[merton.pk]), "officer"),
        ("recommendation paste", reverse("recommendation_paste", args=[merton.pk]), "officer"),
        ("responses", reverse("review_responses", args=[merton.pk]), "officer"),
        ("recommendation edit", reverse("recommendation_edit", args=[r1.pk]), "officer"),
        ("recommendation close", reverse("recommendation_close", args=[r1.pk]), "officer"),
        ("recommendation archive", reverse("recommendation_archive", args=[r1.pk]), "officer"),
        ("action create", reverse("action_create", args=[r1.pk]), "officer"),
        ("action edit", reverse("action_edit", args=[action.pk]), "officer"),
        ("action edit (lead)", reverse("action_edit", args=[action.pk]), "lead"),
        ("action revise target", reverse("action_revise_target", args=[action.pk]), "officer"),
        ("action remove", reverse("action_remove", args=[action.pk]), "officer"),
        ("update create", reverse("update_create", args=[r1.pk]), "officer"),
        ("update create (lead)", reverse("update_create", args=[r1.pk]), "lead"),
    ]


def _count(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def test_form_page_query_counts_do_not_grow_with_the_data(client, officer_user, bigger):
    from django.contrib.auth.models import User

    lead = Client()
    lead.force_login(User.objects.get(username="leadofficer"))
    client.force_login(officer_user)
    clients = {"officer": client, "lead": lead}
    pages = _form_pages()
    merton = Review.objects.get(title=MERTON_2016)
    paste = (reverse("recommendation_paste", args=[merton.pk]), SEED_003)

    def measure():
        counts = {label: _count(clients[who], url) for label, url, who in pages}
        counts["paste preview"] = _count(client, paste[0], {"text": paste[1]})
        return counts

    measure()  # warm the per-process caches (content types, sessions)
    small = measure()
    bigger(18)  # 4 reviews and 20 recommendations become 22 and 200: ten times more
    assert Recommendation.objects.count() == 200
    large = measure()
    grew = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert not grew, f"form pages whose query count grew with the data (demo, ten times): {grew}"
    print("form page query counts:", small)


def test_the_responses_page_reads_the_same_queries_for_3_8_or_10_recommendations(
    client, officer_user, bigger
):
    """One form per recommendation on the page: no query per recommendation."""
    bigger(1)
    client.force_login(officer_user)
    counts = {}
    for title in [HARROW, MERTON_2016, "Extra review 0"]:
        review = Review.objects.get(title=title)
        url = reverse("review_responses", args=[review.pk])
        _count(client, url)
        counts[(title, review.recommendations.count())] = _count(client, url)
    assert len(set(counts.values())) == 1, counts


def test_the_paste_preview_reads_the_same_queries_for_3_or_9_recommendations(
    client, officer_user, demo
):
    """The preview shows one form per recommendation pasted, each with a choice of body: the
    committees are read once, not once per recommendation."""
    client.force_login(officer_user)
    url = reverse("recommendation_paste", args=[Review.objects.get(title=HARROW).pk])
    three = SEED_003[: SEED_003.index("Recommendation 4 (paragraph 49)")]
    _count(client, url, {"text": three})
    counts = {n: _count(client, url, {"text": text}) for n, text in [(3, three), (9, SEED_003)]}
    assert counts[3] == counts[9], f"queries by recommendations pasted: {counts}"
