"""The committees that also monitor a review (besides its commissioning committee): named on
the review form with GOV.UK checkboxes, saved by the review's service, and kept with each row
of the review's history (django-simple-history's many-to-many support), where the history page
shows the change in words.

The demonstration data (``WorldTestCase``): Merton's 2016 review was commissioned by the
Overview and Scrutiny Commission; Merton Cabinet received its report on 14 November 2016.
"""

import datetime

from django.urls import reverse

from recommendations.models import Recommendation
from recommendations.services import review_update, update_post
from reviews.models import Committee, Meeting, Review

from .test_forms import FormTestCase
from .test_permissions import changed, page_form, snapshot

CABINET = "Merton Cabinet"


class TestMonitoringCommittees(FormTestCase):
    def url(self):
        return reverse("review_edit", args=[self.w.merton])

    def test_the_form_offers_every_committee_as_a_checkbox_and_keeps_the_choice(self):
        form = page_form(self.client.get(self.url()).content)
        assert set(form.choices("monitoring_committees")) == {
            str(pk) for pk in Committee.objects.values_list("pk", flat=True)
        }
        assert "monitoring_committees" not in form.data(), "none ticked yet"
        response = self.send(
            self.url(),
            {
                # The commissioning committee monitors it anyway: ticking it changes nothing.
                "monitoring_committees": [str(self.w.cabinet), str(self.w.osc)],
                "change_reason": "Cabinet asked for the progress reports",
            },
        )
        self.assert_saved(response, "Saved the review")
        review = self.merton
        assert list(review.monitoring_committees.values_list("pk", flat=True)) == [self.w.cabinet]
        ticked = page_form(self.client.get(self.url()).content).data()["monitoring_committees"]
        assert ticked == [str(self.w.cabinet)]

    def test_the_history_keeps_the_change_in_the_one_row_of_the_edit(self):
        response = self.send(
            self.url(),
            {
                "monitoring_committees": [str(self.w.cabinet)],
                "change_reason": "Cabinet asked for the progress reports",
            },
        )
        self.assert_saved(response, "Saved the review")
        review = self.merton
        latest = review.history.first()
        assert latest.history_change_reason == "Cabinet asked for the progress reports"
        assert latest.history_user.username == "so-m"
        linked = latest.monitoring_committees.values_list("committee_id", flat=True)
        assert list(linked) == [self.w.cabinet]
        assert review.history.filter(version=latest.version).count() == 1
        html = self.client.get(reverse("review_history", args=[self.w.merton])).content.decode()
        row = html.split("Committees that also monitor the review")[1].split("</tr>")[0]
        assert "(none)" in row and CABINET in row
        # Taking it away again is a change too.
        self.assert_saved(self.send(self.url(), {"monitoring_committees": []}), "Saved")
        assert not self.merton.monitoring_committees.exists()
        assert not list(self.merton.history.first().monitoring_committees.all())

    def test_a_new_review_names_them_with_its_first_save(self):
        response = self.send(
            reverse("review_create"),
            {
                "title": "Libraries and the community hubs",
                "review_type": "task_group",
                "commissioning_committee": str(self.w.osc),
                "monitoring_committees": [str(self.w.cabinet)],
                "change_reason": "Agreed by the Commission",
            },
        )
        self.assert_saved(response, "Saved the review “Libraries and the community hubs”.")
        review = Review.objects.get(title="Libraries and the community hubs")
        assert [c.pk for c in review.monitoring_committees.all()] == [self.w.cabinet]
        rows = list(review.history.order_by("history_id"))
        assert [r.history_type for r in rows] == ["+", "~"]
        assert {r.history_change_reason for r in rows} == {"Agreed by the Commission"}
        assert [c.committee_id for c in rows[-1].monitoring_committees.all()] == [self.w.cabinet]

    def test_a_committee_that_does_not_exist_is_refused_and_nothing_changes(self):
        before = snapshot()
        self.assert_refused(self.send(self.url(), {"monitoring_committees": ["999999"]}))
        assert not changed(before, snapshot())

    def test_a_committee_with_records_at_its_meetings_keeps_monitoring_the_review(self):
        cabinet = Committee.objects.get(pk=self.w.cabinet)
        self.merton.monitoring_committees.add(cabinet)
        update_post(
            recommendation=Recommendation.objects.get(pk=self.w.r1),
            text="Reported to Cabinet",
            date=datetime.date(2016, 11, 14),
            reported_to=Meeting.objects.get(committee=cabinet),
            user=self.w.user("officer"),
        )
        before = snapshot()
        self.assert_refused(
            self.send(self.url(), {"monitoring_committees": []}),
            f"{CABINET} still monitors this review: its meetings hold the update of "
            "14 November 2016 on recommendation 1. Keep it as the commissioning committee or "
            "tick it as a committee that also monitors the review.",
        )
        assert not changed(before, snapshot())
        assert list(self.merton.monitoring_committees.all()) == [cabinet]
        # So does a commissioning committee given up while its meetings hold updates.
        osc = Committee.objects.get(pk=self.w.osc)
        review = self.merton
        review.commissioning_committee = cabinet
        before = snapshot()
        with self.assertRaisesMessage(
            Exception, "Merton Overview and Scrutiny Commission still monitors this review"
        ):
            review_update(review=review, user=self.w.user("officer"), monitoring=[])
        assert not changed(before, snapshot())
        assert self.merton.commissioning_committee == osc
