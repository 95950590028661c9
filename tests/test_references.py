"""The council's reference scheme (issue 11, point 5): per review ("2016/17 R3", the default)
or numbered through the municipal year across the council ("OS 24-25/07"), the rules where
they live (recommendations/models/references.py, Recommendation.save and the services) and
through the pages."""

import concurrent.futures
import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.urls import reverse

from recommendations import services
from recommendations.models import Recommendation, ReferenceScheme, ReferenceSchemeKind
from recommendations.models.references import suggested_prefix
from reviews.models import Committee, CommitteeKind, Review, ReviewType

from .test_forms import SEED_003, FormTestCase
from .test_permissions import changed, page_form, snapshot

D = datetime.date


def through_the_year(**options) -> ReferenceScheme:
    scheme = ReferenceScheme.current()
    scheme.kind = ReferenceSchemeKind.THROUGH_YEAR
    scheme.prefix = options.get("prefix", "OS")
    scheme.committee_code = options.get("committee_code", False)
    scheme.digits = options.get("digits", 2)
    scheme.full_clean()
    scheme.save(reason="The council numbers its references through the year")
    return scheme


def new_review(committee, title: str, agreed: datetime.date | None) -> Review:
    return Review.objects.create(
        title=title,
        review_type=ReviewType.TASK_GROUP,
        commissioning_committee=committee,
        report_agreed_on=agreed,
    )


def add(review: Review, *numbers: int) -> list[Recommendation]:
    return services.recommendations_add_from_paste(
        review=review,
        items=[services.PastedRecommendation(number=n, text=f"That {n}.") for n in numbers],
        user=None,
    )


def typed(review: Review, number: int, reference: str) -> Recommendation:
    rec = Recommendation(review=review, number=number, text="That ...")
    rec.set_reference(reference)
    rec.save()
    return rec


# --- the scheme -------------------------------------------------------------------------------


def test_the_scheme_in_force_is_per_review_as_the_migration_left_it(db):
    scheme = ReferenceScheme.current()
    assert scheme.pk is not None and scheme.kind == ReferenceSchemeKind.PER_REVIEW
    assert scheme.history.get().history_change_reason.startswith("The references in use")


def test_per_review_references_are_todays(review):
    rec = Recommendation.objects.create(review=review, number=3, text="That ...")
    assert rec.reference == "2016/17 R3"
    assert rec.reference_number is None and rec.reference_year == ""


def test_numbered_through_the_year_across_reviews_and_stable(review, committee):
    through_the_year()
    first = new_review(committee, "Libraries", D(2024, 6, 1))
    second = new_review(committee, "Parks", D(2025, 3, 1))  # the same municipal year, 2024/25
    assert [r.reference for r in add(first, 1, 2, 3)] == [
        "OS 24-25/01",
        "OS 24-25/02",
        "OS 24-25/03",
    ]
    assert [r.reference for r in add(second, 1, 2)] == ["OS 24-25/04", "OS 24-25/05"]
    # Adding a review, or saving its recommendations, changes no reference already given.
    services.review_update(review=second, user=None)
    for rec in Recommendation.objects.filter(review=first):
        rec.save()
    assert sorted(
        Recommendation.objects.filter(review=first).values_list("reference", flat=True)
    ) == [
        "OS 24-25/01",
        "OS 24-25/02",
        "OS 24-25/03",
    ]
    # Another municipal year starts again at 1; per-review references already given stay.
    later = new_review(committee, "Housing", D(2025, 5, 20))
    assert add(later, 1)[0].reference == "OS 25-26/01"
    assert (
        Recommendation.objects.create(review=review, number=9, text="x").reference == "OS 16-17/01"
    )


def test_the_committee_code_and_the_figures(committee):
    committee.short_name = "OSC"
    committee.save()
    through_the_year(committee_code=True, digits=3)
    review = new_review(committee, "Libraries", D(2024, 6, 1))
    assert add(review, 1)[0].reference == "OS OSC 24-25/001"
    panel = Committee.objects.create(
        name="Health Panel", short_name="HP", kind=CommitteeKind.SCRUTINY
    )
    other = new_review(panel, "Hospitals", D(2024, 9, 1))
    assert add(other, 1)[0].reference == "OS HP 24-25/002"  # numbered across the council


def test_a_number_held_by_a_typed_reference_is_stepped_over(committee):
    through_the_year()
    review = new_review(committee, "Libraries", D(2024, 6, 1))
    typed(review, 1, "OS 24-25/01")
    rec = add(review, 2)[0]
    assert (rec.reference, rec.reference_number) == ("OS 24-25/02", 2)


def test_the_database_holds_one_recommendation_per_number_of_the_year(committee):
    through_the_year()
    review = new_review(committee, "Libraries", D(2024, 6, 1))
    add(review, 1)
    clash = Recommendation(
        review=review,
        number=2,
        text="x",
        reference="OS 24-25/99",
        reference_is_generated=False,
        reference_year="2024/25",
        reference_number=1,
    )
    with pytest.raises(ValidationError) as exc:
        clash.validate_constraints()
    assert "That number of the municipal year has been given" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        super(Recommendation, clash).save()  # past save(), straight to the database
    clash.reference_year = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        super(Recommendation, clash).save()


def test_a_new_report_year_renumbers_with_history_and_a_first_date_numbers(committee):
    through_the_year()
    review = new_review(committee, "Libraries", None)
    pasted = add(review, 1)[0]
    assert pasted.reference is None  # not agreed yet: no number taken
    review.report_agreed_on = D(2024, 6, 1)
    services.review_update(review=review, user=None)
    pasted.refresh_from_db()
    assert pasted.reference == "OS 24-25/01"
    review.report_agreed_on = D(2025, 6, 1)
    services.review_update(review=review, user=None)
    pasted.refresh_from_db()
    assert (pasted.reference, pasted.reference_year) == ("OS 25-26/01", "2025/26")
    assert pasted.history.first().history_change_reason == (
        "Reference follows the review's report date: OS 24-25/01 to OS 25-26/01"
    )


def test_changing_the_scheme_changes_no_reference_given(review, committee):
    per_review = Recommendation.objects.create(review=review, number=1, text="x")
    through_the_year()
    per_review.save()
    assert per_review.reference == "2016/17 R1"
    review.reference_prefix = "SOS"
    services.review_update(review=review, user=None)
    per_review.refresh_from_db()
    assert per_review.reference == "2016/17 SOS R1"  # still per review: it follows the review
    numbered = new_review(committee, "Libraries", D(2024, 6, 1))
    rec = add(numbered, 1)[0]
    scheme = ReferenceScheme.current()
    scheme.kind, scheme.prefix = ReferenceSchemeKind.PER_REVIEW, "X"
    scheme.save()
    rec.save()
    assert rec.reference == "OS 24-25/01"


def test_a_typed_reference_cleared_takes_the_next_number(committee):
    through_the_year()
    review = new_review(committee, "Libraries", D(2024, 6, 1))
    rec = typed(review, 1, "LIB/1")
    assert rec.reference_number is None
    rec.set_reference("")
    rec.save()
    assert rec.reference == "OS 24-25/01"


def test_suggested_prefixes():
    assert suggested_prefix("Shared and outsourced services") == "SOS"
    assert suggested_prefix("Other") == "OTH"
    assert suggested_prefix("") == "TG"


@pytest.mark.django_db(transaction=True)
def test_two_officers_pasting_at_once_get_different_numbers():
    through_the_year()
    committee = Committee.objects.create(name="Overview and Scrutiny", kind=CommitteeKind.SCRUTINY)
    reviews = [new_review(committee, f"Review {i}", D(2024, 6, 1 + i)) for i in range(4)]
    barrier = threading.Barrier(len(reviews))

    def paste(review):
        try:
            barrier.wait(timeout=30)
            return [r.reference for r in add(review, 1, 2, 3)]
        finally:
            connections.close_all()

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(reviews)) as pool:
        given = [ref for refs in pool.map(paste, reviews) for ref in refs]
    assert sorted(given) == [f"OS 24-25/{n:02d}" for n in range(1, 13)]


# --- through the pages ------------------------------------------------------------------------


class TestReferencePages(FormTestCase):
    def test_the_paste_preview_shows_the_numbers_of_the_year_and_adds_them(self):
        through_the_year()
        review = new_review(Committee.objects.get(pk=self.w.osc), "Libraries", D(2022, 7, 14))
        url = reverse("recommendation_paste", args=[review.pk])
        response = self.client.post(url, {"text": SEED_003})
        html = response.content.decode()
        assert "Reference it will be given: <strong>OS 22-23/01</strong>" in html
        assert "Reference it will be given: <strong>OS 22-23/09</strong>" in html
        assert "Reference prefix for this review" not in html
        data = page_form(response.content).data()
        response = self.client.post(url, data, follow=True)
        self.assert_saved(response, "Added 9 recommendations: OS 22-23/01, OS 22-23/02")

    def test_editing_a_numbered_recommendation_keeps_its_number(self):
        through_the_year()
        review = new_review(Committee.objects.get(pk=self.w.osc), "Libraries", D(2022, 7, 14))
        rec = add(review, 1)[0]
        url = reverse("recommendation_edit", args=[rec.pk])
        assert "now OS 22-23/01" in self.client.get(url).content.decode()
        response = self.send(url, {"service_area": "Libraries", "change_reason": "Typo"})
        self.assert_saved(response, "Saved recommendation 1.")
        rec.refresh_from_db()
        assert rec.reference == "OS 22-23/01" and rec.service_area == "Libraries"

    def test_a_typed_reference_held_by_another_is_refused_naming_it(self):
        through_the_year()
        review = new_review(Committee.objects.get(pk=self.w.osc), "Libraries", D(2022, 7, 14))
        add(review, 1)
        url = reverse("recommendation_create", args=[review.pk])
        before = snapshot()
        response = self.send(url, {"text": "That ...", "reference_typed": "OS 22-23/01"})
        self.assert_refused(
            response,
            "OS 22-23/01 is already the reference of recommendation 1 of “Libraries”. Type "
            "another reference, or leave it blank to give it the generated one.",
        )
        assert not changed(before, snapshot())

    def test_the_administrator_changes_the_scheme_with_a_reason(self):
        from django.test import Client

        from .conftest import make_user

        admin = Client()
        admin.force_login(make_user("root", "Administrator", is_staff=True, is_superuser=True))
        scheme = ReferenceScheme.current()
        url = reverse("admin:recommendations_referencescheme_change", args=[scheme.pk])
        response = admin.post(
            url,
            {
                "kind": "through_year",
                "prefix": "OS",
                "digits": "2",
                "change_reason": "Agreed by the Commission, May 2024",
                "seen_version": scheme.version,
            },
        )
        assert response.status_code == 302
        scheme.refresh_from_db()
        assert scheme.kind == "through_year"
        assert scheme.history.first().history_change_reason == "Agreed by the Commission, May 2024"
        bad = admin.post(
            url, {"kind": "through_year", "prefix": "O S", "digits": "9", "change_reason": "x"}
        )
        assert bad.status_code == 200 and "Use letters and figures" in bad.content.decode()
        assert admin.get(reverse("admin:recommendations_referencescheme_add")).status_code == 403
        assert (
            admin.get(
                reverse("admin:recommendations_referencescheme_delete", args=[scheme.pk])
            ).status_code
            == 403
        )
