"""Races end in a message, never a 500 (issue 15, point 6).

A user opens a page that writes (remove, withdraw, edit) and, before they send it, someone else
removes or withdraws the record. Their POST gets 410 with a page that says what happened, from
the record's history ("This action was removed by Sam Officer on …"), and shows what they typed
in boxes to copy; nothing is written. Each path is simulated in sequence (the GET, the other
user's write, the POST); then two removals of one action are sent at once from two threads.
"""

import concurrent.futures
import datetime
import html
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.urls import reverse

from recommendations import services
from recommendations.models import ActionPlanItem, Recommendation, Update
from recommendations.rounds import services as round_services
from recommendations.rounds.models import RequestItem
from reviews.models import AgendaItem
from scrutiny import roles
from scrutiny.audit import acting_as

from .conftest import make_user
from .test_permissions import WorldTestCase, page_form, snapshot

TYPED = "Words I typed and must not lose"


class TestTheSecondRequestIsToldWhatHappened(WorldTestCase):
    def setUp(self):
        self.me = User.objects.get(pk=self.w.users["officer"])
        self.other = User.objects.get(pk=self.w.users["admin"])
        self.other.first_name, self.other.last_name = "Ada", "Admin"
        self.other.save()
        self.client.force_login(self.me)

    def _opened(self, url: str) -> dict:
        response = self.client.get(url)
        assert response.status_code == 200
        return page_form(response.content).data()

    def _assert_gone(self, url: str, data: dict, happened: str) -> None:
        before = snapshot()
        response = self.client.post(url, data)
        assert response.status_code == 410, response.status_code
        page = html.unescape(response.content.decode())
        assert happened in page, page
        assert "Ada Admin" in page
        assert TYPED in page  # what was typed, in a readonly box to copy
        assert "readonly" in page
        assert snapshot() == before  # nothing written

    def _remove_action(self, pk: int) -> None:
        action = ActionPlanItem.objects.get(pk=pk)
        services.action_remove(action=action, reason="Duplicate", user=self.other)

    def test_removing_an_action_removed_meanwhile(self):
        url = reverse("action_remove", args=[self.w.own_action])
        data = self._opened(url)
        self._remove_action(self.w.own_action)
        self._assert_gone(url, {**data, "reason": TYPED}, "This action was removed by Ada Admin")

    def test_editing_an_action_removed_meanwhile(self):
        url = reverse("action_edit", args=[self.w.own_action])
        data = self._opened(url)
        self._remove_action(self.w.own_action)
        self._assert_gone(url, {**data, "action": TYPED}, "This action was removed by")

    def test_revising_the_target_of_an_action_removed_meanwhile(self):
        url = reverse("action_revise_target", args=[self.w.own_action])
        data = self._opened(url)
        self._remove_action(self.w.own_action)
        data.update(reason=TYPED, new_date_day="1", new_date_month="2", new_date_year="2030")
        self._assert_gone(url, data, "This action was removed by")

    def test_posting_an_update_on_a_recommendation_removed_meanwhile(self):
        rec = Recommendation.objects.get(pk=self.w.harrow_r1)
        url = reverse("update_create", args=[rec.pk])
        data = self._opened(url)
        with acting_as(self.other):
            for update in rec.updates.all():
                update.delete(reason="Test")
            for action in rec.actions.all():
                action.delete(reason="Test")
            rec.delete(reason="Entered in error")
        self._assert_gone(url, {**data, "text": TYPED}, "This recommendation was removed by")

    def _withdraw_update(self) -> None:
        update = Update.objects.get(pk=self.w.own_update)
        services.update_withdraw(update=update, reason="Posted in error", user=self.other)

    def test_correcting_an_update_withdrawn_meanwhile(self):
        url = reverse("update_edit", args=[self.w.own_update])
        data = self._opened(url)
        self._withdraw_update()
        self._assert_gone(url, {**data, "text": TYPED}, "This update was withdrawn by Ada Admin")
        page = self.client.post(url, {**data, "text": TYPED}).content.decode()
        assert "the update has been withdrawn" in page

    def test_withdrawing_an_update_withdrawn_meanwhile(self):
        url = reverse("update_withdraw", args=[self.w.own_update])
        data = self._opened(url)
        self._withdraw_update()
        self._assert_gone(url, {**data, "reason": TYPED}, "This update was withdrawn by")

    def test_withdrawing_a_document_withdrawn_meanwhile(self):
        from recommendations.documents import service as documents
        from recommendations.documents.models import PublishedDocument

        url = reverse("documents_published_withdraw", args=[self.w.published])
        data = self._opened(url)
        document = PublishedDocument.objects.get(pk=self.w.published)
        documents.withdraw(document=document, reason="Wrong meeting", user=self.other)
        self._assert_gone(url, {**data, "reason": TYPED}, "This published document was withdrawn")

    def test_editing_an_agenda_item_removed_meanwhile(self):
        item = AgendaItem.objects.filter(meeting_id=self.w.fresh_meeting).first() or (
            AgendaItem.objects.create(meeting_id=self.w.fresh_meeting, reference="9", title="X")
        )
        url = reverse("agenda_item_edit", args=[item.pk])
        data = self._opened(url)
        with acting_as(self.other):
            item.delete(reason="Not on the agenda after all")
        self._assert_gone(url, {**data, "title": TYPED}, "This agenda item was removed by")

    def test_taking_out_a_round_item_removed_meanwhile_is_not_a_500(self):
        item = RequestItem.objects.get(pk=self.w.other_item)
        url = reverse("round_item_remove", args=[item.pk])
        # Both officers saw the item; the other took it out first. The page's lookup found it
        # (the view ran before the removal), so the service's lock is what finds it gone.
        seen = RequestItem.objects.get(pk=item.pk)
        round_services.round_remove_item(item=item, user=self.other)
        from unittest import mock

        with mock.patch("recommendations.rounds.views.get_object_or_404", return_value=seen):
            response = self.client.post(url, {"reason": TYPED})
        assert response.status_code == 410
        page = html.unescape(response.content.decode())
        assert "was removed by Ada Admin" in page and TYPED in page

    def test_a_get_of_a_removed_record_is_still_a_404(self):
        self._remove_action(self.w.own_action)
        response = self.client.get(reverse("action_remove", args=[self.w.own_action]))
        assert response.status_code == 404

    def test_a_record_that_never_existed_no_longer_exists(self):
        response = self.client.post(
            reverse("action_remove", args=[987654]), {"version": "1", "reason": TYPED}
        )
        assert response.status_code == 410
        page = html.unescape(response.content.decode())
        assert "This action no longer exists." in page and TYPED in page


# --- two removals at once -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_removals_of_one_action_at_once_give_one_winner_and_no_500(review):
    rec = Recommendation.objects.create(review=review, number=1, text="That the council …")
    officers = [make_user(f"remover{i}", roles.SCRUTINY_OFFICER) for i in range(2)]
    clients = []
    for user in officers:
        client = Client()
        client.force_login(user)
        clients.append(client)
    failures = []
    for round_number in range(5):
        action = ActionPlanItem.objects.create(
            recommendation=rec,
            number=round_number + 1,
            action=f"Action {round_number}",
            target_date=datetime.date(2030, 1, 1),
        )
        url = reverse("action_remove", args=[action.pk])
        barrier = threading.Barrier(2)

        def post(client, reason, url=url, version=action.version, barrier=barrier):
            try:
                barrier.wait(timeout=30)
                return client.post(url, {"version": version, "reason": reason}).status_code
            except Exception as error:  # the test client raises what the view raised: a 500
                return f"500 ({type(error).__name__}: {error})"
            finally:
                connections.close_all()

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(post, c, f"Removed by {i}") for i, c in enumerate(clients)]
            statuses = sorted(str(f.result(timeout=120)) for f in futures)
        if statuses != ["302", "410"]:
            failures.append(f"round {round_number}: {statuses}")
        assert not ActionPlanItem.objects.filter(pk=action.pk).exists()
        removals = ActionPlanItem.history.filter(id=action.pk, history_type="-").count()
        if removals != 1:
            failures.append(f"round {round_number}: {removals} removals in the history")
    assert not failures, "\n".join(failures)
