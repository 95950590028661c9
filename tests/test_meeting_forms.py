"""Meetings that fit, through the forms as a browser sends them: each form offers only the
meetings its rule accepts (``reviews.meeting_rules``), and a tampered submission of a meeting
that does not fit is refused with the rule's message and changes nothing.

The demonstration data (``WorldTestCase``): Merton's 2016 review was commissioned by the
Overview and Scrutiny Commission (meetings of 7 July 2016, 7 March 2017 and 6 July 2017),
received by Merton Cabinet on 14 November 2016 and answered there that day; Harrow's report was
agreed on 20 April 2021 and Harrow Cabinet met on 14 June 2021.
"""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from recommendations.models import Recommendation, Update
from reviews.models import Meeting, Review
from reviews.services import review_record_receipt

from .test_forms import FormTestCase
from .test_permissions import changed, page_form, snapshot

D = datetime.date


def pk_of(committee: str, day: datetime.date) -> str:
    return str(Meeting.objects.get(committee__name=committee, date=day).pk)


OSC = "Merton Overview and Scrutiny Commission"
CABINET = "Merton Cabinet"
HARROW_OSC = "Harrow Overview and Scrutiny Committee"
COUNTY = "County Council Shared Services Review Group"


class MeetingFormTestCase(FormTestCase):
    def offered(self, url: str, field: str) -> set[str]:
        return set(page_form(self.client.get(url).content).options(field)) - {""}

    def assert_refused_unchanged(self, url: str, changes: dict, message: str):
        before = snapshot()
        self.assert_refused(self.send(url, changes), message)
        assert not changed(before, snapshot())


class TestUpdateForm(MeetingFormTestCase):
    def url(self):
        return reverse("update_create", args=[self.w.r1])

    def update(self, day: datetime.date, meeting: str) -> dict:
        return {
            "date_0": str(day.day),
            "date_1": str(day.month),
            "date_2": str(day.year),
            "text": "Progress reported to the Commission.",
            "reported_to": meeting,
        }

    def test_only_meetings_of_the_committees_monitoring_the_review_are_offered(self):
        # (The two meetings to come are the update round's, from the shared test world.)
        assert self.offered(self.url(), "reported_to") == {
            pk_of(OSC, d) for d in (D(2016, 7, 7), D(2017, 3, 7), D(2017, 7, 6))
        } | {str(self.w.round_meeting), str(self.w.fresh_meeting)}

    def test_a_meeting_of_another_committee_is_refused_with_the_rule(self):
        self.assert_refused_unchanged(
            self.url(),
            self.update(D(2017, 7, 6), pk_of(COUNTY, D(2012, 2, 21))),
            f"{COUNTY} does not monitor this review: an update is reported to a meeting of a "
            f"committee that monitors it ({OSC}).",
        )
        self.assert_refused_unchanged(
            self.url(),
            self.update(D(2016, 11, 14), pk_of(CABINET, D(2016, 11, 14))),
            f"{CABINET} does not monitor this review",
        )

    def test_a_meeting_before_the_update_is_refused_and_the_same_day_is_taken(self):
        self.assert_refused_unchanged(
            self.url(),
            self.update(D(2017, 7, 6), pk_of(OSC, D(2017, 3, 7))),
            "The meeting of 7 March 2017 was before the update (6 July 2017): an update is "
            "reported to a meeting held on or after its date. Choose a meeting on or after "
            "6 July 2017, or “Not yet reported”.",
        )
        response = self.send(self.url(), self.update(D(2017, 7, 6), pk_of(OSC, D(2017, 7, 6))))
        self.assert_saved(response, "Posted the update.")
        update = Update.objects.get(text="Progress reported to the Commission.")
        assert update.reported_to.date == D(2017, 7, 6)

    def test_a_committee_named_on_the_review_form_takes_updates(self):
        cabinet_meeting = pk_of(CABINET, D(2016, 11, 14))
        assert cabinet_meeting not in self.offered(self.url(), "reported_to")
        response = self.send(
            reverse("review_edit", args=[self.w.merton]),
            {"monitoring_committees": [str(self.w.cabinet)], "change_reason": "Cabinet monitors"},
        )
        self.assert_saved(response, "Saved the review")
        assert cabinet_meeting in self.offered(self.url(), "reported_to")
        response = self.send(self.url(), self.update(D(2016, 11, 14), cabinet_meeting))
        self.assert_saved(response, "Posted the update.")


class TestCloseForm(MeetingFormTestCase):
    """Recommendation 1 of Merton's review: the executive responded on 14 November 2016."""

    def url(self):
        return reverse("recommendation_close", args=[self.w.r1])

    def test_only_meetings_of_a_monitoring_committee_after_the_response_are_offered(self):
        later = Meeting.objects.create(
            committee_id=self.w.osc, date=timezone.localdate() + datetime.timedelta(days=30)
        )
        offered = self.offered(self.url(), "meeting")
        assert offered == {pk_of(OSC, D(2017, 3, 7)), pk_of(OSC, D(2017, 7, 6))}
        assert str(later.pk) not in offered

    def test_a_tampered_meeting_is_refused_with_the_rule_and_nothing_changes(self):
        future = timezone.localdate() + datetime.timedelta(days=30)
        later = Meeting.objects.create(committee_id=self.w.osc, date=future)
        cases = [
            (pk_of(CABINET, D(2016, 11, 14)), f"{CABINET} does not monitor this review"),
            (
                pk_of(OSC, D(2016, 7, 7)),
                "The meeting of 7 July 2016 was not after the executive&#x27;s response "
                "(14 November 2016)",
            ),
            (str(later.pk), "has not happened yet: a closure is agreed at a meeting held on or "),
        ]
        for meeting, message in cases:
            self.assert_refused_unchanged(
                self.url(), {"meeting": meeting, "minute_reference": "Min 7"}, message
            )
        assert not Recommendation.objects.get(pk=self.w.r1).is_closed


class TestReceiptForm(MeetingFormTestCase):
    """Harrow's report, agreed on 20 April 2021."""

    def url(self):
        return reverse("review_receipt", args=[self.w.harrow])

    def test_only_executive_meetings_on_or_after_the_report_was_agreed_are_offered(self):
        assert self.offered(self.url(), "report_received_meeting") == {
            str(self.w.harrow_cabinet_meeting)
        }
        html = self.client.get(self.url()).content.decode()
        assert "held on or after 20 April 2021, the day the report was agreed." in html

    def test_a_tampered_meeting_is_refused_with_the_rule_and_nothing_changes(self):
        self.assert_refused_unchanged(
            self.url(),
            {"report_received_meeting": pk_of(HARROW_OSC, D(2021, 4, 20))},
            f"{HARROW_OSC} is not an executive body: the executive receives the report at a "
            "meeting of an executive body (the Cabinet or a Cabinet Member).",
        )
        self.assert_refused_unchanged(
            self.url(),
            {"report_received_meeting": pk_of(CABINET, D(2016, 11, 14))},
            "The executive cannot receive the report before the committee agreed it. It was "
            "agreed on 20 April 2021",
        )


class TestResponsesPage(MeetingFormTestCase):
    """Harrow's recommendations 1 and 2 are addressed to Harrow Cabinet, 3 to its Overview and
    Scrutiny Committee."""

    def url(self):
        return reverse("review_responses", args=[self.w.harrow])

    def decisions(self) -> dict:
        return {
            f"rec-{r.pk}-decision": "accepted"
            for r in Review.objects.get(pk=self.w.harrow).recommendations.all()
        }

    def test_only_meetings_of_the_executive_or_a_responsible_body_are_offered(self):
        assert self.offered(self.url(), "meeting") == {
            str(self.w.harrow_cabinet_meeting),
            pk_of(HARROW_OSC, D(2021, 4, 20)),
        }

    def test_a_tampered_meeting_is_refused_with_the_rule_and_nothing_changes(self):
        self.assert_refused_unchanged(
            self.url(),
            {"meeting": pk_of(COUNTY, D(2012, 2, 21)), **self.decisions()},
            f"{COUNTY} is neither an executive body nor the body the recommendation is "
            "addressed to",
        )
        self.assert_refused_unchanged(
            self.url(),
            {"meeting": pk_of(CABINET, D(2016, 11, 14)), **self.decisions()},
            "The executive cannot respond before the committee agreed the report. It was "
            "agreed on 20 April 2021",
        )

    def test_a_responsible_body_answers_only_for_its_own_recommendations(self):
        """Harrow's Overview and Scrutiny Committee fits recommendation 3 alone."""
        self.assert_refused_unchanged(
            self.url(),
            {"meeting": pk_of(HARROW_OSC, D(2021, 4, 20)), **self.decisions()},
            f"Recommendation 1: {HARROW_OSC} is neither an executive body nor the body the "
            "recommendation is addressed to",
        )

    def test_the_receipt_meeting_is_not_preselected(self):
        review_record_receipt(
            review=self.harrow,
            meeting=Meeting.objects.get(pk=self.w.harrow_cabinet_meeting),
            user=self.w.user("officer"),
        )
        html = self.client.get(self.url()).content.decode()
        options = re.findall(
            r"<option[^>]*>", html.split('name="meeting"')[1].split("</select>")[0]
        )
        assert [o for o in options if "selected" in o] == ['<option value="" selected>']
        # An officer who gives only the date is not told about a meeting they did not choose.
        response = self.send(
            self.url(), {"date_0": "1", "date_1": "7", "date_2": "2021", **self.decisions()}
        )
        self.assert_saved(response, "Saved the executive&#x27;s response (3 changed).")
        review = self.harrow
        assert review.response_meeting is None
        assert review.response_given_on == D(2021, 7, 1)
