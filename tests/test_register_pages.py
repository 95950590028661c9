"""The read side through the test client: dashboard, registers, record pages, meetings,
history and "as at"."""

import datetime
import re

import pytest
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from recommendations.models import ActionPlanItem, Recommendation, Update
from recommendations.services import action_revise_target_date, recommendation_close, update_post
from reviews.models import Meeting, Review
from scrutiny.audit import acting_as

D = datetime.date


@pytest.fixture
def reader(client, councillor_user, demo):
    client.force_login(councillor_user)
    return client


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def merton16():
    return Review.objects.get(title="Shared and outsourced services in Merton")


def rec(ref):
    return Recommendation.objects.get(reference=ref)


# --- dashboard ----------------------------------------------------------------------------


def test_dashboard_shows_overdue_response_actions_chart_and_changes(reader):
    html = html_of(reader, "/")
    assert "Shared services scrutiny review (Harrow)" in html
    assert "deadline 30 September 2021" in html
    assert re.search(r"\d+ days ago", html)
    assert "Overdue actions (4)" in html
    for ref in ["2016/17 R1", "2016/17 R2", "2016/17 R4", "2016/17 R6"]:
        assert ref in html
    # the chart's numbers are also text, in a table, with words for every status
    assert "Recommendations by status (20 in all)" in html
    assert re.search(r"Acceptable progress</a></td><td[^>]*>6<", html)
    assert '<title id="status-chart-summary">' in html
    assert "created by System (automatic)" in html


def test_dashboard_shows_the_most_overdue_actions_first_and_how_many_more(reader, officer_user):
    with acting_as(officer_user):
        for index, recommendation in enumerate(merton16().recommendations.all()):
            for n in range(3):
                ActionPlanItem(
                    recommendation=recommendation,
                    number=10 + n,
                    action=f"Extra action {index}-{n}",
                    target_date=D(2018, 1, 1) + datetime.timedelta(days=10 * index + n),
                ).save()
    overdue = ActionPlanItem.objects.overdue().order_by("target_date", "pk")
    total = overdue.count()
    assert total > 20
    html = html_of(reader, "/")
    assert f"Overdue actions ({total})" in html
    assert f"The 20 most overdue of {total} are shown." in html
    assert 'href="/recommendations/?overdue=true"' in html
    table = html[html.find('id="overdue-actions"') : html.find('id="not-updated"')]
    links = re.findall(r'<td class="govuk-table__cell"><a class="govuk-link" href="([^"]+)"', table)
    assert links == [action.get_absolute_url() for action in overdue[:20]]


def test_dashboard_lists_responses_due_with_days_left(reader, officer_user):
    from reviews.services import review_record_receipt

    cabinet = Meeting.objects.filter(
        committee__name="Harrow Cabinet"
    ).first() or Meeting.objects.create(
        committee=rec("2020/21 R1").responsible_body, date=datetime.date.today()
    )
    county = Review.objects.get(title="Shared services review group (county council)")
    review_record_receipt(review=county, meeting=cabinet, user=officer_user)
    html = html_of(reader, "/")
    assert "Due (1)" in html
    assert "Shared services review group (county council)" in html
    assert "in 6" in html or "in 5" in html or "in 59" in html or "days" in html


def test_dashboard_lists_recommendations_not_updated_since_the_last_meeting(reader, officer_user):
    osc = Meeting.objects.get(date=D(2017, 7, 6)).committee
    Meeting.objects.create(committee=osc, date=D(2017, 9, 14))
    html = html_of(reader, "/")
    assert "No update since the last meeting (7)" in html  # all accepted ones but R7 (achieved)
    assert "committee last met 14 September 2017" in html


# --- reviews ------------------------------------------------------------------------------


def test_review_list_filters_and_counts(reader):
    html = html_of(reader, "/reviews/?status=monitoring")
    assert "1 review<" in html
    assert "Shared and outsourced services in Merton" in html
    assert "Shared services in Merton<" not in html


def test_review_list_invalid_filter_is_a_clear_error(reader):
    html = html_of(reader, "/reviews/?year=1066/67", status=400)
    assert "There is a problem with the filter" in html
    assert "Nothing is listed until the filter is corrected" in html
    assert "govuk-table__body" not in html


def test_review_page_shows_recommendations_with_response_status_and_latest_update(reader):
    html = html_of(reader, merton16().get_absolute_url())
    assert html.count("Accepted") >= 8
    assert "Acceptable progress" in html
    assert "6 July 2017: The biennial Target Operating Model refresh process" in html
    assert "Due in" not in html  # the response was given


def deadline_cell(html: str) -> str:
    cell = html[html.find('id="response-deadline"') :]
    return cell[: cell.find("</dd>")]


def test_review_page_says_the_response_period_beginning_with_receipt(reader):
    """Merton's Cabinet received the report on 14 November 2016: two months beginning with
    that day end on 13 January 2017, and the page says so in the Act's words."""
    review = merton16()
    assert review.report_received_on == D(2016, 11, 14)
    cell = deadline_cell(html_of(reader, review.get_absolute_url()))
    assert "13 January 2017" in cell
    assert (
        '<span class="govuk-body-s" id="response-period">The last day of two months '
        "beginning with 14 November 2016</span>"
    ) in cell


@override_settings(RESPONSE_PERIOD_MONTHS=0, RESPONSE_PERIOD_WEEKS=8)
def test_review_page_says_a_constitutions_eight_weeks(reader):
    cell = deadline_cell(html_of(reader, merton16().get_absolute_url()))
    assert "8 January 2017" in cell
    assert "The last day of eight weeks beginning with 14 November 2016" in cell


def test_review_page_says_what_an_extension_replaced(reader, officer_user):
    from reviews.services import review_extend_deadline

    review_extend_deadline(
        review=merton16(),
        deadline=D(2017, 3, 31),
        extension_reason="Cabinet asked for more time",
        user=officer_user,
    )
    cell = deadline_cell(html_of(reader, merton16().get_absolute_url()))
    assert "31 March 2017" in cell
    assert (
        "Extended by the committee from 13 January 2017, the last day of two months beginning "
        "with 14 November 2016: Cabinet asked for more time"
    ) in cell


def test_review_page_flags_accepted_recommendation_without_action(reader, officer_user):
    r8 = rec("2016/17 R8")
    r8.actions.get().delete()
    html = html_of(reader, merton16().get_absolute_url())
    assert "Accepted, no action agreed" in html


# --- recommendations ----------------------------------------------------------------------


def test_register_shows_count_pagination_and_keeps_the_filter_in_links(reader, bigger):
    bigger(3)  # 50 recommendations: one full page and a second
    html = html_of(reader, "/recommendations/?decision=rejected")
    assert "15 recommendations match the filter" in html
    html = html_of(reader, "/recommendations/")
    assert "50 recommendations, page 1 of 1" not in html
    bigger(1)
    html = html_of(reader, "/recommendations/")
    assert "60 recommendations, page 1 of 2" in html
    assert 'href="?page=2"' in html
    html = html_of(reader, "/recommendations/?decision=rejected&sort=reference&page=1")
    assert "20 recommendations match the filter" in html
    html = html_of(reader, "/recommendations/?status=not_started&sort=reference")
    assert "page=2" not in html or "status=not_started" in html


def test_register_pages_follow_the_sort_without_gaps_or_repeats(reader, bigger):
    bigger(4)  # 60 recommendations: two pages
    refs = []
    for number in (1, 2):
        html = html_of(reader, f"/recommendations/?sort=-reference&page={number}")
        refs += re.findall(
            r'<td class="govuk-table__cell app-nowrap">(?:<span class="app-stack-table__label">'
            r"[^<]*</span>)?<a [^>]*>([^<]+)</a>",
            html,
        )
    expected = list(
        Recommendation.objects.order_by(F("reference").desc(nulls_last=True), "pk").values_list(
            "reference", flat=True
        )
    )
    assert len(refs) == 60
    assert refs == expected


def test_register_filter_selects_mark_the_chosen_option_and_escape_labels(reader, officer_user):
    review = merton16()
    review.title = 'Fees & "charges" <review>'
    with acting_as(officer_user):
        review.save()
    html = html_of(reader, f"/recommendations/?review={review.pk}&status=on_track")
    option = f'<option value="{review.pk}" selected>Fees &amp; &quot;charges&quot; &lt;review&gt;<'
    assert option in html
    assert '<option value="on_track" selected>' in html
    chosen = re.findall(r'<option value="([^"]*)" selected>', html)
    assert sorted(chosen) == sorted([str(review.pk), "on_track"] + [""] * (len(chosen) - 2))
    html = html_of(reader, "/recommendations/")
    assert set(re.findall(r'<option value="([^"]*)" selected>', html)) == {""}  # "Any ..."


def test_register_sort_links_toggle_and_mark_aria_sort(reader):
    html = html_of(reader, "/recommendations/?sort=reference")
    assert 'aria-sort="ascending"' in html
    assert "sort=-reference" in html
    html = html_of(reader, "/recommendations/?sort=-reference")
    assert 'aria-sort="descending"' in html
    refs = re.findall(r">(\d{4}/\d\d R\d)</a>", html)
    assert refs[0] == "2020/21 R3"


def test_register_invalid_filter_shows_message_not_empty_list(reader):
    html = html_of(reader, "/recommendations/?status=nonsense", status=400)
    assert "There is a problem with the filter" in html
    assert "Select a status from the list." in html
    assert "No recommendations match" not in html


def test_register_overdue_flag(reader):
    html = html_of(reader, "/recommendations/?overdue=true")
    assert "4 recommendations match the filter" in html
    assert html.count("Action overdue") == 4


def test_recommendation_page_shows_response_actions_slippage_updates_closure(reader, officer_user):
    r2 = rec("2016/17 R2")
    action = r2.actions.get()
    action_revise_target_date(
        action=action, new_date=D(2017, 9, 30), reason="CIPFA guidance late", user=officer_user
    )
    action_revise_target_date(
        action=action, new_date=D(2018, 1, 31), reason="Pack sign-off moved", user=officer_user
    )
    html = html_of(reader, r2.get_absolute_url())
    assert "Recommendation 2" in html
    assert "A set of guiding principles will be created" in html
    assert "June 2017" in html
    assert "Target revised twice, 7 months later than first agreed" in html
    assert "30 June 2017 to 30 September 2017: CIPFA guidance late" in html
    assert "6 July 2017" in html and "Sophie Ellis" in html
    assert "Open: the committee has not agreed to close it." in html
    assert "Accepted" in html


def test_recommendation_page_shows_rejection_reason_and_closure(reader, officer_user):
    from recommendations.services import recommendation_close, recommendation_respond

    r1 = rec("2020/21 R1")
    # Harrow's Cabinet responds; later its Overview and Scrutiny Committee closes it.
    cabinet = Meeting.objects.create(committee=r1.responsible_body, date=D(2021, 6, 14))
    committee = Meeting.objects.create(
        committee=r1.review.commissioning_committee, date=D(2021, 9, 7)
    )
    recommendation_respond(
        recommendation=r1,
        decision="rejected",
        response_text="CSB already does this",
        meeting=cabinet,
        user=officer_user,
    )
    recommendation_close(
        recommendation=r1, meeting=committee, minute_reference="Minute 45", user=officer_user
    )
    html = html_of(reader, r1.get_absolute_url())
    assert "Rejected" in html and "CSB already does this" in html
    # The officer typed "Minute 45": it reads once, not "minute Minute 45".
    assert "</a>, Minute 45.</p>" in html
    assert "minute Minute" not in html
    assert "Closed" in html


def test_text_is_escaped(reader, officer_user):
    r3 = rec("2016/17 R3")
    update_post(recommendation=r3, text="<script>alert('x')</script> ŵ ŷ 🙂", user=officer_user)
    html = html_of(reader, r3.get_absolute_url())
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; ŵ ŷ 🙂" in html


# --- history and "as at" -------------------------------------------------------------------


def test_recommendation_history_shows_who_what_old_new_and_reason(reader, officer_user):
    r2 = rec("2016/17 R2")
    with acting_as(officer_user):
        r2.service_area = "Corporate Services"
        r2.save(reason="Service area from the 2017 structure chart")
    action_revise_target_date(
        action=r2.actions.get(), new_date=D(2017, 9, 30), reason="CIPFA late", user=officer_user
    )
    html = html_of(reader, reverse("recommendation_history", args=[r2.pk]))
    assert "Recommendation 2: changed by Scrutiny Officer" in html
    assert "Reason:</strong> Service area from the 2017 structure chart" in html
    assert "Service area" in html and "Corporate Services" in html
    assert "Action 1: changed by Scrutiny Officer" in html
    assert "30 June 2017</del>" in html and "30 September 2017</ins>" in html
    assert "Target date revision: created by Scrutiny Officer" in html
    assert "created by System (automatic)" in html


def test_deleted_records_stay_in_the_history(reader, officer_user):
    r3 = rec("2016/17 R3")
    with acting_as(officer_user):
        r3.actions.get().delete(reason="Duplicate of R2's action")
    html = html_of(reader, reverse("recommendation_history", args=[r3.pk]))
    assert "Action 1: deleted by Scrutiny Officer" in html
    assert "Duplicate of R2&#x27;s action" in html


def test_review_history(reader, officer_user):
    review = merton16()
    with acting_as(officer_user):
        review.scope = "A new scope"
        review.save(reason="Scope revised")
    html = html_of(reader, reverse("review_history", args=[review.pk]))
    assert "Review: changed by Scrutiny Officer" in html
    assert "A new scope" in html and "Scope revised" in html


def test_a_long_history_is_shown_fifty_entries_a_page_newest_first(reader, officer_user):
    from recommendations.views.common import HISTORY_PAGE_SIZE

    r2 = rec("2016/17 R2")
    committee = r2.responsible_body
    other = Meeting.objects.exclude(committee=committee).first().committee
    with acting_as(officer_user):
        for n in range(HISTORY_PAGE_SIZE + 5):
            r2.service_area = f"Service area {n}"
            # Every other edit moves the responsible body: a foreign key, shown by name.
            r2.responsible_body = other if n % 2 else committee
            r2.save(reason=f"Edit {n}")
    url = reverse("recommendation_history", args=[r2.pk])
    first = html_of(reader, url)
    assert first.count("app-history-entry") == HISTORY_PAGE_SIZE
    assert "Reason:</strong> Edit 54" in first  # the newest first
    assert "Reason:</strong> Edit 5<" in first and "Reason:</strong> Edit 4<" not in first
    assert f'<ins class="app-new">{other.name}</ins>' in first
    assert 'rel="next"' in first
    second = html_of(reader, url + "?page=2")
    assert "Reason:</strong> Edit 4<" in second and "Reason:</strong> Edit 54" not in second
    assert "Service area 3</del>" in second and "Service area 4</ins>" in second
    assert f'<del class="app-old">{other.name}</del>' in second
    assert "created by" in second  # the oldest entries, as the records were entered


def test_merton_plan_as_at_6_july_2017_shows_that_days_updates_and_nothing_later(
    reader, officer_user
):
    r1 = rec("2016/17 R1")
    update_post(
        recommendation=r1,
        action=r1.actions.get(),
        text="LATER: TOM refresh done",
        date=D(2017, 11, 2),
        user=officer_user,
    )
    july = Update.objects.get(recommendation=rec("2016/17 R4"))
    with acting_as(officer_user):
        july.text = "EDITED LATER: checklist finished"
        july.save(reason="Corrected after the meeting")
    url = merton16().get_absolute_url()
    now = html_of(reader, url)
    assert "LATER: TOM refresh done" in now and "EDITED LATER" in now
    then = html_of(reader, url + "?as_at=2017-07-06")
    assert "Position as at 6 July 2017" in then
    assert "LATER: TOM refresh done" not in then
    assert "EDITED LATER" not in then
    assert "This is built into the activity set out against Recommendation 2 above." in then
    assert then.count("6 July 2017: ") == 8
    before = html_of(reader, url + "?as_at=2017-07-05")
    assert before.count("None yet") == 8


def test_as_at_before_the_report_existed(reader):
    html = html_of(reader, merton16().get_absolute_url() + "?as_at=2016-06-01")
    assert "Recommendations (0)" in html
    assert "No recommendations on that date." in html


def test_as_at_shows_the_meetings_as_they_stood(reader, officer_user):
    """The meetings on a review's page as at a date are those recorded then, not today's."""
    review = merton16()
    then_meeting = review.response_meeting
    assert then_meeting is not None
    later = Meeting.objects.create(committee=then_meeting.committee, date=D(2017, 12, 1))
    with acting_as(officer_user):
        review.response_meeting = later
        review.save(reason="Response taken again")

    def response_given(url):
        html = html_of(reader, url)
        return re.search(r"Response given</dt><dd[^>]*>(.*?)</dd>", html).group(1)

    now = response_given(review.get_absolute_url())
    assert f'href="{later.get_absolute_url()}"' in now
    then = response_given(review.get_absolute_url() + "?as_at=2017-07-06")
    assert f'href="{then_meeting.get_absolute_url()}"' in then
    assert str(then_meeting) in then


def test_as_at_a_review_with_no_recommendations_shows_its_meetings(
    reader, officer_user, django_assert_max_num_queries
):
    merton = merton16()
    with acting_as(officer_user):
        review = Review.objects.create(
            title="A review with no recommendations yet",
            review_type=merton.review_type,
            commissioning_committee=merton.commissioning_committee,
            municipal_year="2017/18",
            report_agreed_on=merton.report_agreed_on,
            report_agreed_meeting=merton.report_agreed_meeting,
        )
    with django_assert_max_num_queries(15):
        html = html_of(reader, review.get_absolute_url() + "?as_at=2017-07-06")
    assert "Position as at 6 July 2017" in html
    assert f'href="{merton.report_agreed_meeting.get_absolute_url()}"' in html
    assert "No recommendations on that date." in html


@pytest.mark.parametrize("bad", ["31/2/2017", "yesterday", "2999-01-01", "1066-10-14"])
def test_as_at_bad_dates_are_refused_with_a_message(reader, bad):
    html = html_of(reader, merton16().get_absolute_url() + f"?as_at={bad}", status=400)
    assert "There is a problem" in html
    assert "Position as at" not in html


def test_recommendation_as_at(reader):
    r6 = rec("2016/17 R6")
    then = html_of(reader, r6.get_absolute_url() + "?as_at=2017-07-05")
    assert "Position as at 5 July 2017" in then
    assert "No updates yet." in then
    assert "Work will be undertaken with representatives" in then


# --- meetings -----------------------------------------------------------------------------


def test_meeting_page_shows_what_was_reported_and_what_changed(reader):
    meeting = Meeting.objects.get(date=D(2017, 7, 6))
    html = html_of(reader, meeting.get_absolute_url())
    assert "Meeting of 6 July 2017" in html
    assert "Updates reported (8)" in html
    assert "What changed since the previous meeting (7 March 2017)" in html
    assert "New updates (8)" in html
    # The eight were reported to this meeting: listed once, with a pointer from "New updates".
    assert "All 8 were reported to this meeting" in html
    assert 'href="#updates-reported"' in html
    for update in Update.objects.filter(reported_to=meeting):
        assert html.count(f"#update-{update.pk}") == 1


def test_meeting_page_lists_status_changes_and_slipped_dates(reader, officer_user):
    osc = Meeting.objects.get(date=D(2017, 7, 6)).committee
    today = datetime.date.today()
    # The demonstration data was entered just now; date its history before both meetings, as
    # if it had been entered when the papers were written.
    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(days=400)
    for model in (Recommendation, ActionPlanItem, Update):
        model.history.update(history_date=long_ago)  # test set-up: history rows, not records
    Meeting.objects.create(committee=osc, date=today - datetime.timedelta(days=30))
    upcoming = Meeting.objects.create(committee=osc, date=today)
    r2 = rec("2016/17 R2")
    action = r2.actions.get()
    action_revise_target_date(
        action=action, new_date=D(2018, 3, 31), reason="Waiting for CMT", user=officer_user
    )
    update_post(
        recommendation=r2, action=action, text="Done", reported_status="achieved", user=officer_user
    )
    html = html_of(reader, upcoming.get_absolute_url())
    section = html[html.find('id="changes"') :]
    assert "Status changes (1)" in section, section[:3000]
    assert "Acceptable progress</strong> to" in html
    assert "Target dates revised (1)" in html and "Waiting for CMT" in html
    assert "New updates (1)" in html
    # Not reported to this meeting, so listed under "New updates", with its review and date.
    new_update = r2.updates.get(text="Done")
    assert html.count(f"#update-{new_update.pk}") == 1
    assert f"Shared and outsourced services in Merton ({today:%-d %B %Y}): Done" in section
    assert "reported to this meeting" not in section


def test_target_dates_revised_between_meetings_by_the_council_clock(reader, officer_user):
    """A revision belongs to the meetings by its UK date: made late on the previous meeting's
    day, it was before that meeting's end; made late on this meeting's day (after midnight
    UTC but not yet in London, in summer), it is this meeting's."""
    from zoneinfo import ZoneInfo

    from recommendations.models import TargetDateRevision

    london = ZoneInfo("Europe/London")
    meeting = Meeting.objects.get(date=D(2017, 7, 6))  # previous meeting: 7 March 2017
    action = rec("2016/17 R2").actions.get()
    made = {
        "on the previous day": datetime.datetime(2017, 3, 7, 23, 30, tzinfo=london),
        "the morning after": datetime.datetime(2017, 3, 8, 0, 30, tzinfo=london),
        "late on the day": datetime.datetime(2017, 7, 6, 23, 30, tzinfo=london),
        "the day after": datetime.datetime(2017, 7, 7, 0, 30, tzinfo=london),
    }
    with acting_as(officer_user):
        for reason, when in made.items():
            TargetDateRevision.objects.create(
                action=action,
                previous_target_date=D(2017, 3, 31),
                new_target_date=D(2017, 9, 30),
                reason=reason,
                created_at=when,
            )
    html = html_of(reader, meeting.get_absolute_url())
    section = html[html.find('id="changes"') :]
    assert "Target dates revised (2)" in section
    assert "(the morning after)" in section and "(late on the day)" in section
    assert "(on the previous day)" not in section and "(the day after)" not in section


def test_meeting_page_lists_closures_and_new_responses_of_the_reviews_it_monitors(
    reader, officer_user
):
    meeting = Meeting.objects.get(date=D(2017, 7, 6))  # previous meeting: 7 March 2017
    closed, responded, elsewhere = rec("2016/17 R1"), rec("2016/17 R2"), rec("2020/21 R1")
    assert elsewhere.review.commissioning_committee != meeting.committee
    recommendation_close(
        recommendation=closed, meeting=meeting, minute_reference="Minute 42", user=officer_user
    )
    with acting_as(officer_user):
        for recommendation in (responded, elsewhere):
            recommendation.response_date = D(2017, 5, 1)
            recommendation.save()
    html = html_of(reader, meeting.get_absolute_url())
    closures = html[html.find("Recommendations closed") :]
    assert closures.startswith("Recommendations closed</h3>")
    assert f'href="{closed.get_absolute_url()}">2016/17 R1</a>, Minute 42</li>' in closures
    assert "minute Minute" not in html
    new_responses = html[html.find("New executive responses") :]
    assert new_responses.startswith("New executive responses (1)")
    assert f'href="{responded.get_absolute_url()}">2016/17 R2</a>: ' in new_responses
    assert "2020/21 R1" not in html  # another committee's review
    assert '<h3 class="govuk-heading-m">Executive responses</h3>' not in html


def test_cabinet_meeting_shows_receipt_and_responses(reader):
    cabinet = Meeting.objects.get(date=D(2016, 11, 14))
    html = html_of(reader, cabinet.get_absolute_url())
    assert "Reports received by the executive" in html
    assert "response due 13 January 2017" in html
    assert "What changed since" not in html  # Cabinet is not a scrutiny committee
    # Its responses to each recommendation, in the register's order.
    responses = html[html.find("Executive responses</h3>") :]
    positions = [responses.find(f">2016/17 R{n}</a>: ") for n in range(1, 9)]
    assert -1 not in positions and positions == sorted(positions)
    assert "Recommendations closed" not in html


def test_meeting_list_and_committee_pages(reader):
    html = html_of(reader, "/meetings/")
    assert "7 meetings" in html and "6 July 2017" in html
    osc = Meeting.objects.get(date=D(2017, 7, 6)).committee
    html = html_of(reader, osc.get_absolute_url())
    assert "Merton Overview and Scrutiny Commission" in html
    assert html_of(reader, "/committees/").count("govuk-table__row") == 7


def test_every_page_refuses_writes(reader):
    for url in ["/", "/reviews/", "/recommendations/", merton16().get_absolute_url(), "/meetings/"]:
        assert reader.post(url).status_code == 405


def test_missing_records_are_404(reader):
    for url in [
        "/reviews/999/",
        "/recommendations/999/",
        "/meetings/999/",
        "/reviews/999/history/",
        "/recommendations/999/history/",
        "/committees/999/",
    ]:
        assert reader.get(url).status_code == 404


def test_every_role_can_read(
    client, demo, officer_user, lead_officer_user, councillor_user, admin_user
):
    for user in [officer_user, lead_officer_user, councillor_user, admin_user]:
        client.force_login(user)
        for url in [
            "/",
            "/reviews/",
            "/recommendations/",
            merton16().get_absolute_url(),
            "/meetings/",
        ]:
            assert client.get(url).status_code == 200


def test_meeting_page_says_how_many_new_updates_were_reported_there(reader, officer_user):
    meeting = Meeting.objects.get(date=D(2017, 7, 6))
    r3 = rec("2016/17 R3")
    with acting_as(officer_user):
        Update.objects.create(recommendation=r3, date=D(2017, 6, 1), text="Between meetings")
    html = html_of(reader, meeting.get_absolute_url())
    section = html[html.find('id="changes"') :]
    assert "New updates (9)" in section
    assert "8 of them were reported to this meeting" in section
    assert "The other 1:" in section
    assert "(1 June 2017): Between meetings" in section


def test_long_update_texts_are_cut_to_an_excerpt_on_the_meeting_page(reader, officer_user):
    from recommendations.querysets import excerpt

    assert excerpt("short") == "short"
    assert excerpt("x" * 160) == "x" * 160
    assert excerpt("word " * 40) == ("word " * 40)[:159].rstrip() + "\u2026"
    meeting = Meeting.objects.get(date=D(2017, 7, 6))
    update = Update.objects.filter(reported_to=meeting).first()
    update.text = "A long update. " * 30
    with acting_as(officer_user):
        update.save()
    html = html_of(reader, meeting.get_absolute_url())
    assert excerpt(update.text) in html
    assert update.text not in html
