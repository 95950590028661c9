"""One test per filter of the registers, and refusal of bad filter input."""

import datetime

import pytest
from django.http import QueryDict

from recommendations.filtersets import RecommendationFilterSet, ReviewFilterSet
from recommendations.models import ActionPlanItem, Recommendation, Update
from reviews.models import Committee, Officer, Review


def refs(params: str) -> set[str]:
    fs = RecommendationFilterSet(QueryDict(params), queryset=Recommendation.objects.for_register())
    assert fs.is_valid(), fs.errors
    return {r.reference for r in fs.qs}


def merton16():
    return {f"2016/17 R{n}" for n in range(1, 9)}


def test_no_filter_lists_everything(demo):
    assert len(refs("")) == 20


def test_filter_by_review(demo):
    review = Review.objects.get(title="Shared services scrutiny review (Harrow)")
    assert refs(f"review={review.pk}") == {"2020/21 R1", "2020/21 R2", "2020/21 R3"}


def test_filter_by_committee_monitoring_the_review(demo):
    osc = Committee.objects.get(short_name="OSC")
    assert len(refs(f"committee={osc.pk}")) == 17


def test_filter_by_responsible_body(demo):
    cmt = Committee.objects.get(short_name="CMT")
    assert refs(f"responsible_body={cmt.pk}") == {"2016/17 R1", "2016/17 R5", "2016/17 R6"}


def test_filter_by_decision_and_awaiting(demo):
    assert refs("decision=accepted") == merton16()
    assert len(refs("decision=awaiting")) == 12
    assert refs("decision=rejected") == set()


def test_filter_by_status(demo):
    assert refs("status=achieved") == {"2016/17 R7"}


def test_filter_by_lead_officer(demo):
    ged = Officer.objects.get(name="Ged Curran")
    assert refs(f"lead_officer={ged.pk}") == merton16()


def test_filter_by_action_owner(demo):
    """Sophie Ellis leads no recommendation but owns the Merton 2016 actions: the owner filter
    finds each recommendation once, however many of its actions she owns."""
    sophie = Officer.objects.get(name="Sophie Ellis")
    owned = set(
        ActionPlanItem.objects.filter(owner=sophie).values_list(
            "recommendation__reference", flat=True
        )
    )
    assert refs(f"lead_officer={sophie.pk}") == set()
    assert refs(f"owner={sophie.pk}") == owned == merton16()
    r1 = Recommendation.objects.get(reference="2016/17 R1")
    ActionPlanItem(recommendation=r1, number=2, action="Second", owner=sophie).save()
    fs = RecommendationFilterSet(
        QueryDict(f"owner={sophie.pk}"), queryset=Recommendation.objects.for_register()
    )
    assert fs.is_valid() and fs.qs.count() == 8
    ged = Officer.objects.get(name="Ged Curran")
    assert refs(f"owner={sophie.pk}&lead_officer={ged.pk}") == merton16()


def test_the_officer_selects_share_one_query(demo, django_assert_num_queries):
    fs = RecommendationFilterSet(QueryDict(""), queryset=Recommendation.objects.for_register())
    # Reviews, committees (for the committee and the responsible body), officers (for the
    # lead officer and the action owner).
    with django_assert_num_queries(3):
        fs.read_choices_once()
    owners = list(fs.form.fields["owner"].choices)
    leads = list(fs.form.fields["lead_officer"].choices)
    assert owners[0] == ("", "Any action owner") and leads[0] == ("", "Any lead officer")
    assert owners[1:] == leads[1:] and len(owners) == Officer.objects.count() + 1


def test_filter_overdue(demo):
    # June, July, August and Late 2017 targets, not achieved: R1, R2, R4 and R6.
    assert refs("overdue=true") == {"2016/17 R1", "2016/17 R2", "2016/17 R4", "2016/17 R6"}
    assert len(refs("overdue=false")) == 20


def test_filter_by_municipal_year(demo):
    assert refs("year=2016/17") == merton16()
    assert len(refs("year=2015/16")) == 9


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Achieving for Children", {"2015/16 R1"}),  # the recommendation text
        ("checklist will be developed", {"2016/17 R4"}),  # an action
        ("Interviews are being carried out", {"2016/17 R6"}),  # an update
        ("2020/21 R2", {"2020/21 R2"}),  # the reference
    ],
)
def test_free_text_searches_recommendation_actions_updates_and_reference(demo, word, expected):
    assert refs("q=" + word.replace(" ", "+").replace("/", "%2F")) == expected


def test_free_text_searches_the_response(demo):
    rec = Recommendation.objects.get(reference="2020/21 R3")
    rec.decision, rec.response_text, rec.response_date = (
        "rejected",
        "Scrutiny has no capacity",
        datetime.date(2021, 9, 1),
    )
    rec.save()
    assert refs("q=capacity") == {"2020/21 R3"}


def test_search_does_not_duplicate_rows(demo):
    rec = Recommendation.objects.get(reference="2016/17 R4")
    action = rec.actions.get()
    Update.objects.create(
        recommendation=rec, action=action, text="checklist again", date=datetime.date(2017, 8, 1)
    )
    ActionPlanItem.objects.create(recommendation=rec, number=2, action="another checklist")
    fs = RecommendationFilterSet(
        QueryDict("q=checklist"), queryset=Recommendation.objects.for_register()
    )
    assert [r.reference for r in fs.qs].count("2016/17 R4") == 1


def test_sort_by_latest_update(demo):
    fs = RecommendationFilterSet(
        QueryDict("sort=-updated"), queryset=Recommendation.objects.for_register()
    )
    assert fs.is_valid()
    first = next(iter(fs.qs))
    assert first.latest_update_date == datetime.date(2017, 7, 6)


@pytest.mark.parametrize(
    "params",
    [
        "status=nonsense",
        "decision=maybe",
        "review=abc",
        "review=999999",
        "year=1066/67",
        "sort=password",
        "overdue=perhaps",
    ],
)
def test_invalid_filter_input_is_an_error_not_an_empty_list(demo, params):
    fs = RecommendationFilterSet(QueryDict(params), queryset=Recommendation.objects.for_register())
    assert not fs.is_valid()
    assert fs.errors


def test_review_filters(demo):
    def titles(params):
        fs = ReviewFilterSet(QueryDict(params), queryset=Review.objects.all())
        assert fs.is_valid(), fs.errors
        return {r.title for r in fs.qs}

    assert titles("status=evidence_gathering") == {"Shared services review group (county council)"}
    assert titles("year=2020/21") == {"Shared services scrutiny review (Harrow)"}
    harrow_osc = Committee.objects.get(name="Harrow Overview and Scrutiny Committee")
    assert titles(f"committee={harrow_osc.pk}") == {"Shared services scrutiny review (Harrow)"}
    assert titles("q=Southgate") == {"Shared services in Merton"}  # a member's name
    assert titles("q=outsourced") == {"Shared and outsourced services in Merton"}
    assert not ReviewFilterSet(QueryDict("status=nope"), queryset=Review.objects.all()).is_valid()
