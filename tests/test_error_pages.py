"""The app's own 404 and 500 pages: GOV.UK's wording inside the service's layout, drawn as
production draws them (DEBUG off; the 500 page with an empty context and no request-based
context processors)."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.views import defaults


@override_settings(DEBUG=False)
def test_an_unknown_address_gets_the_app_styled_page_not_found(client, officer_user):
    client.force_login(officer_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Page not found</h1>' in html
    assert "If you typed the web address, check it is correct." in html
    assert "<title>Page not found \N{EN DASH} Scrutiny recommendations tracker" in html
    assert "govuk-service-navigation" in html  # the service's own layout, not Django's page
    assert reverse("dashboard") in html


@override_settings(DEBUG=False)
def test_a_missing_record_gets_the_same_page_not_found(client, officer_user):
    client.force_login(officer_user)
    response = client.get(reverse("review_detail", args=[999_999]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False, COUNCIL_NAME="Testshire County Council")
def test_the_server_error_page_needs_no_request_context():
    request = RequestFactory().get("/reviews/1/")  # no user, no session, no messages
    response = defaults.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Sorry, there is a problem with the service</h1>' in html
    assert "Try again later." in html
    assert "govuk-header" in html
    # The council's name comes from the settings, not from a context processor.
    assert "© Testshire County Council" in html
    assert "Sign out" not in html
