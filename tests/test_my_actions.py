""" "My actions": a signed-in officer's own actions and the recommendations they lead, linked
from the navigation for accounts with an officer record; and the register's filter by the
action's owner (the lead officer filter showed 0 for an officer who owns 12 actions)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations.models import ActionPlanItem, Recommendation
from recommendations.services import recommendation_archive, recommendation_close
from reviews.models import Meeting, Officer
from scrutiny.formats import british_date

from .conftest import make_user

MY_ACTIONS = "/my-actions/"


@pytest.fixture
def sophie(demo, lead_officer_user):
    """The lead officer's account linked to Sophie Ellis, who owns the Merton 2016 actions."""
    officer = Officer.objects.get(name="Sophie Ellis")
    officer.user = None
    officer.save()
    officer.user = lead_officer_user
    officer.save()
    return officer


def rows(html: str, table_id: str) -> list[str]:
    """The rows of the table under the heading ``table_id``."""
    section = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr class=\"govuk-table__row\"[^>]*>(.*?)</tr>", section, re.S)[1:]


def test_a_lead_officer_sees_the_actions_they_own_with_target_overdue_mark_and_update_link(
    client, sophie, lead_officer_user
):
    client.force_login(lead_officer_user)
    html = client.get(MY_ACTIONS).content.decode()
    owned = ActionPlanItem.objects.filter(owner=sophie).select_related("recommendation")
    assert owned.count() >= 8
    lines = rows(html, "my-actions")
    assert len(lines) == owned.count()
    assert f"Actions you own ({owned.count()})" in html
    r1 = owned.get(recommendation__reference="2016/17 R1")
    line = next(line for line in lines if "2016/17 R1, action 1" in line)
    assert "31 December 2017" in line  # its target date
    assert "Overdue" in line  # not achieved, target passed
    update = reverse("update_create", args=[r1.recommendation_id])
    assert f'href="{update}?next={MY_ACTIONS}&amp;action={r1.pk}"' in line
    achieved = owned.get(recommendation__reference="2016/17 R7")
    line = next(line for line in lines if "2016/17 R7" in line)
    assert not achieved.is_overdue() and "Overdue" not in line
    # Soonest target first; an action without a target date last.
    soonest = owned.exclude(target_date=None).order_by("target_date", "pk").first()
    assert british_date(soonest.target_date) in lines[0]
    undated = owned.filter(target_date=None).count()
    assert undated and all("None set" in line for line in lines[-undated:])


def test_the_update_link_opens_the_update_form_on_the_action_and_comes_back(
    client, sophie, lead_officer_user
):
    client.force_login(lead_officer_user)
    action = ActionPlanItem.objects.get(owner=sophie, recommendation__reference="2016/17 R2")
    url = reverse("update_create", args=[action.recommendation_id])
    response = client.post(
        f"{url}?next={MY_ACTIONS}&action={action.pk}",
        {
            "action": str(action.pk),
            "date_0": "1",
            "date_1": "3",
            "date_2": "2018",
            "text": "Reported from my actions.",
            "reported_status": "on_track",
            "next": MY_ACTIONS,
        },
    )
    assert response.status_code == 302 and response["Location"] == MY_ACTIONS
    assert action.updates.order_by("-pk").first().text == "Reported from my actions."


def test_recommendations_they_lead_are_listed_and_closed_or_archived_ones_are_not(
    client, demo, lead_officer_user, officer_user
):
    ged = Officer.objects.get(name="Ged Curran")
    ged.user = lead_officer_user
    ged.save()
    archived = Recommendation.objects.get(reference="2016/17 R8")
    recommendation_archive(recommendation=archived, reason="Entered twice", user=officer_user)
    client.force_login(lead_officer_user)
    html = client.get(MY_ACTIONS).content.decode()
    lines = rows(html, "my-recommendations")
    references = [re.search(r">(2016/17 R\d)<", line).group(1) for line in lines]
    assert references == [f"2016/17 R{n}" for n in range(1, 8)]
    # A lead officer may post an update on a recommendation they lead.
    r1 = Recommendation.objects.get(reference="2016/17 R1")
    assert reverse("update_create", args=[r1.pk]) + f"?next={MY_ACTIONS}" in lines[0]


def test_actions_on_a_closed_recommendation_leave_my_actions(
    client, sophie, lead_officer_user, officer_user
):
    action = ActionPlanItem.objects.get(owner=sophie, recommendation__reference="2016/17 R2")
    recommendation_close(
        recommendation=action.recommendation,
        meeting=Meeting.objects.get(date=datetime.date(2017, 7, 6)),
        minute_reference="7/17",
        user=officer_user,
    )
    client.force_login(lead_officer_user)
    html = client.get(MY_ACTIONS).content.decode()
    assert "2016/17 R1, action" in html and "2016/17 R2, action" not in html


def test_an_account_without_an_officer_record_is_told_so(client, demo, councillor_user):
    client.force_login(councillor_user)
    response = client.get(MY_ACTIONS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "not linked to an officer in the register" in html
    assert "Actions you own" not in html


def test_the_navigation_links_to_my_actions_only_for_officers(
    client, sophie, lead_officer_user, councillor_user
):
    link = f'href="{MY_ACTIONS}"'
    client.force_login(councillor_user)
    assert link not in client.get("/").content.decode()
    client.force_login(lead_officer_user)
    assert link in client.get("/").content.decode()
    html = client.get(MY_ACTIONS).content.decode()
    assert f'{link} aria-current="page"' in html


def test_my_actions_answers_get_only(client, sophie, lead_officer_user):
    client.force_login(lead_officer_user)
    assert client.post(MY_ACTIONS).status_code == 405


# --- the register's owner filter ------------------------------------------------------------


def test_the_register_filters_by_action_owner_beside_the_lead_officer(
    client, sophie, councillor_user
):
    client.force_login(councillor_user)
    html = client.get(f"/recommendations/?lead_officer={sophie.pk}").content.decode()
    assert "0 recommendations match the filter" in html
    html = client.get(f"/recommendations/?owner={sophie.pk}").content.decode()
    owned = (
        Recommendation.objects.filter(actions__owner=sophie).distinct().count()
    )  # each once, however many actions
    assert owned == 8
    assert f"{owned} recommendations match the filter" in html
    form = html.split('<form method="get"', 1)[1]
    assert form.index('name="lead_officer"') < form.index('name="owner"')
    assert '<label class="govuk-label govuk-label--s" for="id_owner">Action owner</label>' in form


def test_an_unknown_owner_is_refused_with_a_message(client, demo, councillor_user):
    client.force_login(councillor_user)
    response = client.get("/recommendations/?owner=999999")
    assert response.status_code == 400
    assert "Select an action owner from the list." in response.content.decode()


def test_the_navigation_link_costs_no_query(client, sophie, lead_officer_user):
    """The account is read with its officer (scrutiny.auth.AccountBackend): a page costs the
    same for an officer, who sees the link, as for an account without an officer record."""
    counts = {}
    for user in (lead_officer_user, make_user("unlinked", "Lead officers")):
        client.force_login(user)
        client.get("/meetings/")
        with CaptureQueriesContext(connection) as ctx:
            html = client.get("/meetings/").content.decode()
        counts[user.username] = len(ctx.captured_queries)
        assert (f'href="{MY_ACTIONS}"' in html) == (user == lead_officer_user)
    assert counts["lo"] == counts["unlinked"], counts
