"""Signing in, the reviews list and the review page show the real data."""

from django.urls import reverse

from reviews.models import Review


def test_pages_need_a_signed_in_user(client, demo):
    for url in [reverse("dashboard"), reverse("review_list"), reverse("review_detail", args=[1])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_sign_in_with_demo_account(client, demo):
    response = client.post(
        reverse("login"), {"username": "councillor", "password": "demo-councillor-2026"}
    )
    assert response.status_code == 302
    response = client.get(reverse("review_list"))
    assert response.status_code == 200


def test_wrong_password_is_refused_with_a_message(client, demo):
    response = client.post(reverse("login"), {"username": "councillor", "password": "wrong"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_review_list_links_every_review(client, demo, councillor_user):
    client.force_login(councillor_user)
    html = client.get(reverse("review_list")).content.decode()
    for review in Review.objects.all():
        assert review.get_absolute_url() in html
        assert review.title in html


def test_merton_2016_review_page_shows_key_dates_and_recommendations(client, demo, councillor_user):
    client.force_login(councillor_user)
    review = Review.objects.get(title="Shared and outsourced services in Merton")
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Merton Cabinet, 14 November 2016" in html
    # The response deadline, with the rule that gives it: receipt is day one of the two months.
    deadline = html[html.find('id="response-deadline"') :]
    deadline = deadline[: deadline.find("</dd>")]
    assert "13 January 2017" in deadline
    assert "The last day of two months beginning with 14 November 2016" in deadline
    assert "14 January 2017" not in deadline
    for n in range(1, 9):
        assert f"Recommendation {n}</a>" in html


def test_harrow_review_page_shows_the_extended_deadline_and_reason(client, demo, councillor_user):
    client.force_login(councillor_user)
    review = Review.objects.get(title="Shared services scrutiny review (Harrow)")
    html = client.get(review.get_absolute_url()).content.decode()
    assert "30 September 2021" in html
    assert "suspend Rule 36.5" in html
    assert "beginning with" not in html  # no receipt recorded: no statutory period to state
    assert "Overdue" in html


def test_missing_review_is_404(client, demo, councillor_user):
    client.force_login(councillor_user)
    assert client.get(reverse("review_detail", args=[99999])).status_code == 404
