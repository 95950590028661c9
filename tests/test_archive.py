"""Archiving a recommendation, rather than deleting it: it leaves the registers and the
dashboard, the history keeps it, and it can be restored."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from recommendations.filtersets import RecommendationFilterSet
from recommendations.models import ActionPlanItem, Recommendation
from recommendations.services import recommendation_archive


def refs(params=""):
    fs = RecommendationFilterSet(QueryDict(params), queryset=Recommendation.objects.for_register())
    assert fs.is_valid(), fs.errors
    return {r.reference for r in fs.qs}


def test_archive_needs_a_reason_and_keeps_history(demo, officer_user):
    rec = Recommendation.objects.get(reference="2016/17 R2")
    with pytest.raises(ValidationError):
        recommendation_archive(recommendation=rec, reason=" ", user=officer_user)
    rec.refresh_from_db()
    assert not rec.is_archived
    recommendation_archive(recommendation=rec, reason="Entered twice", user=officer_user)
    rec.refresh_from_db()
    assert rec.is_archived
    row = rec.history.first()
    assert row.history_change_reason == "Entered twice"
    assert row.history_user == officer_user
    assert row.archived_at is not None


def test_archived_leave_the_register_dashboard_and_overdue_lists(demo, officer_user):
    rec = Recommendation.objects.get(reference="2016/17 R2")
    assert "2016/17 R2" in refs()
    assert ActionPlanItem.objects.overdue().filter(recommendation=rec).exists()
    recommendation_archive(recommendation=rec, reason="Withdrawn", user=officer_user)
    assert "2016/17 R2" not in refs()
    assert "2016/17 R2" in refs("archived=true")
    assert not ActionPlanItem.objects.overdue().filter(recommendation=rec).exists()
    assert not Recommendation.objects.current().filter(pk=rec.pk).exists()


def test_restore(demo, officer_user):
    rec = Recommendation.objects.get(reference="2016/17 R2")
    recommendation_archive(recommendation=rec, reason="Withdrawn", user=officer_user)
    recommendation_archive(
        recommendation=rec, reason="Withdrawn in error", user=officer_user, restore=True
    )
    rec.refresh_from_db()
    assert not rec.is_archived
    assert "2016/17 R2" in refs()


def test_archive_page(client, demo, officer_user, councillor_user):
    rec = Recommendation.objects.get(reference="2016/17 R5")
    url = f"/recommendations/{rec.pk}/archive/"
    client.force_login(councillor_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "version": rec.version}).status_code == 403
    client.force_login(officer_user)
    response = client.post(url, {"reason": "", "version": rec.version})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    rec.refresh_from_db()
    assert not rec.is_archived
    response = client.post(url, {"reason": "Superseded by R6", "version": rec.version}, follow=True)
    assert "Archived recommendation 5." in response.content.decode()
    rec.refresh_from_db()
    assert rec.is_archived
    html = client.get(rec.get_absolute_url()).content.decode()
    assert "Archived</strong>" in html and "Restore the recommendation" in html
    stale = client.post(url, {"reason": "late", "version": rec.version - 1})
    assert stale.status_code == 409
