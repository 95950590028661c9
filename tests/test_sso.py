"""Single sign-on over OpenID Connect (scrutiny/sso.py), end to end against the OpenID provider
of tests/oidc_provider.py on 127.0.0.1: the app's pages through the test client, the browser's
visit to the provider by plain HTTP, the app's calls to the provider (token, JWKS, userinfo)
over real sockets. Nothing leaves loopback."""

import pytest
import requests
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from reviews.models import Officer
from scrutiny import roles, sso
from scrutiny.accounts.models import AccountEvent
from scrutiny.audit import system_user
from scrutiny.hashchain import verify
from scrutiny.settings import oidc_check, oidc_group_roles
from tests.oidc_provider import Provider, new_key

OID = "3f2a9c1e-0000-4000-8000-000000000001"
OFFICERS_GROUP = "0b1c2d3e-aaaa-4bbb-8ccc-000000000010"
COUNCILLORS_GROUP = "Scrutiny councillors"


@pytest.fixture
def provider(settings, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    sso._discovery.clear()
    with Provider() as running:
        settings.OIDC_RP_CLIENT_ID = running.client_id
        settings.OIDC_RP_CLIENT_SECRET = "client-secret"
        settings.OIDC_DISCOVERY_URL = running.discovery_url
        settings.OIDC_ACCOUNT_NAME = "Merton"
        settings.OIDC_GROUP_ROLES = {
            OFFICERS_GROUP: [roles.SCRUTINY_OFFICER],
            COUNCILLORS_GROUP: [roles.COUNCILLOR],
        }
        running.claims = {
            "sub": "pairwise-subject-1",
            "oid": OID,
            "name": "Julia Regan",
            "given_name": "Julia",
            "family_name": "Regan",
            "email": "julia.regan@merton.gov.uk",
            "groups": [OFFICERS_GROUP, "some-other-group"],
        }
        yield running
    sso._discovery.clear()


def at_provider(url: str) -> requests.Response:
    """The browser's visit to the provider (which answers at once with a redirect back)."""
    assert url.startswith("http://127.0.0.1:"), url
    with requests.Session() as browser:
        browser.trust_env = False
        return browser.get(url, allow_redirects=False, timeout=10)


def sign_in(client: Client, provider: Provider, next_url: str = ""):
    """Press "Sign in with ... account", pass by the provider, come back: the callback's answer."""
    start = client.get(reverse("sso_login") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.url + "/authorize?")
    back = at_provider(start["Location"])
    assert back.status_code == 302
    callback = back.headers["Location"]
    assert callback.startswith("http://testserver" + reverse("sso_callback"))
    return client.get(callback.removeprefix("http://testserver"))


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_off_unless_configured(db, client):
    assert not sso.enabled()
    for name in ("sso_login", "sso_callback"):
        assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse("sso_logout")).status_code == 302  # plain sign-out
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with" not in page
    assert 'name="password"' in page


def test_sign_in_page_offers_the_council_account_beside_the_form(db, client, provider):
    page = client.get(reverse("login") + "?next=/reviews/").content.decode()
    assert "Sign in with Merton account" in page
    assert reverse("sso_login") + "?next=/reviews/" in page
    assert 'name="password"' in page  # the local form stays, for the break-glass admin


def test_good_sign_in_creates_the_account_with_roles_from_groups(db, provider):
    officer = Officer.objects.create(name="Julia Regan", email="Julia.Regan@merton.gov.uk")
    client = Client()
    response = sign_in(client, provider)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert signed_in(client)
    user = User.objects.get(username=f"sso-{OID}")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert (user.first_name, user.last_name, user.email) == (
        "Julia",
        "Regan",
        "julia.regan@merton.gov.uk",
    )
    assert not user.has_usable_password()
    assert roles_of(user) == {roles.SCRUTINY_OFFICER}
    officer.refresh_from_db()
    assert officer.user == user
    assert officer.history.first().history_change_reason.startswith("Linked at first single")
    asked = provider.authorize_requests[0]
    assert asked["nonce"] and asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == "http://testserver" + reverse("sso_callback")
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert "Julia Regan" in dashboard.content.decode()
    assert reverse("sso_logout") in dashboard.content.decode()  # header signs out there


def test_an_email_shared_by_two_officers_links_neither(db, provider):
    for name in ("Julia Regan", "J Regan"):
        Officer.objects.create(name=name, email="julia.regan@merton.gov.uk")
    assert sign_in(Client(), provider).status_code == 302
    assert not Officer.objects.filter(user__isnull=False).exists()


def test_next_page_is_kept_through_the_provider(db, provider):
    client = Client()
    response = sign_in(client, provider, next_url="/reviews/")
    assert response["Location"] == "/reviews/"


def test_roles_are_re_set_at_each_sign_in(db, provider):
    sign_in(Client(), provider)
    provider.claims["groups"] = [COUNCILLORS_GROUP]
    provider.claims["name"] = provider.claims["given_name"] = "Jules"
    client = Client()
    assert sign_in(client, provider).status_code == 302
    user = User.objects.get(username=f"sso-{OID}")
    assert roles_of(user) == {roles.COUNCILLOR}
    assert user.first_name == "Jules"
    assert User.objects.filter(username__startswith="sso-").count() == 1


def events_of(user) -> list[tuple[str, str, str, str]]:
    """The account's events, oldest first: (kind, role, by whom, reason)."""
    return [
        (e.kind, e.role, e.by.get_username(), e.reason)
        for e in AccountEvent.objects.filter(account=user).select_related("by").order_by("pk")
    ]


def test_the_account_made_at_first_sign_in_and_its_roles_are_account_events(db, provider):
    sign_in(Client(), provider)
    user = User.objects.get(username=f"sso-{OID}")
    system = system_user().get_username()
    assert events_of(user) == [
        ("created", "", system, sso.REASON_CREATED),
        ("role_granted", roles.SCRUTINY_OFFICER, system, sso.REASON_CREATED),
    ]
    assert verify().intact  # the events' history rows are in the chain


def test_a_sign_in_with_the_same_groups_and_details_writes_nothing(db, provider):
    sign_in(Client(), provider)
    before = (AccountEvent.objects.count(), AccountEvent.history.count())
    client = Client()
    assert sign_in(client, provider).status_code == 302
    assert signed_in(client)
    assert (AccountEvent.objects.count(), AccountEvent.history.count()) == before


def test_groups_changed_at_the_provider_are_account_events_by_the_system(db, provider):
    sign_in(Client(), provider)
    user = User.objects.get(username=f"sso-{OID}")
    first = AccountEvent.objects.filter(account=user).count()
    provider.claims["groups"] = [COUNCILLORS_GROUP]
    provider.claims["email"] = "j.regan@merton.gov.uk"
    sign_in(Client(), provider)
    system = system_user().get_username()
    assert events_of(user)[first:] == [
        ("details_changed", "", system, sso.REASON_DETAILS),
        ("role_granted", roles.COUNCILLOR, system, sso.REASON_ROLES),
        ("role_removed", roles.SCRUTINY_OFFICER, system, sso.REASON_ROLES),
    ]
    # Out of every mapped group: the last role goes, as an event too.
    provider.claims["groups"] = []
    sign_in(Client(), provider)
    assert events_of(user)[-1] == (
        "role_removed",
        roles.COUNCILLOR,
        system,
        sso.REASON_NO_GROUP,
    )


def test_groups_that_are_not_roles_are_left_alone(db, provider):
    sign_in(Client(), provider)
    user = User.objects.get(username=f"sso-{OID}")
    other = Group.objects.create(name="Newsletter editors")
    user.groups.add(other)
    provider.claims["groups"] = [COUNCILLORS_GROUP]
    sign_in(Client(), provider)
    assert roles_of(user) == {roles.COUNCILLOR, "Newsletter editors"}
    assert not AccountEvent.objects.filter(role="Newsletter editors").exists()


def assert_refused(response, client, *, says: str = "did not work"):
    assert response.status_code == 403
    page = response.content.decode()
    assert "You are not signed in" in page
    assert says in page
    assert not signed_in(client)
    assert not User.objects.filter(username__startswith="sso-").exists()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"sign_with": new_key()}, id="wrong-signature"),
        pytest.param({"exp": -3600}, id="expired"),
        pytest.param({"aud": "another-application"}, id="wrong-audience"),
        pytest.param({"nonce": "not-the-nonce-we-sent"}, id="wrong-nonce"),
        pytest.param({"state": "not-the-state-we-sent"}, id="wrong-state"),
        pytest.param({"iss": "http://127.0.0.1:9/another-tenant"}, id="wrong-issuer"),
    ],
)
def test_a_bad_answer_from_the_provider_is_refused(db, provider, spoil):
    provider.spoil = spoil
    client = Client()
    assert_refused(sign_in(client, provider), client)
    assert client.get(reverse("dashboard")).status_code == 302  # still signed out


def test_a_callback_with_no_sign_in_started_is_refused(db, provider):
    client = Client()
    response = client.get(reverse("sso_callback"), {"code": "forged", "state": "forged"})
    assert_refused(response, client)


def test_provider_error_is_refused(db, provider):
    client = Client()
    client.get(reverse("sso_login"))
    response = client.get(reverse("sso_callback"), {"error": "access_denied"})
    assert_refused(response, client)


def test_a_person_in_no_mapped_group_is_refused_and_no_account_made(db, provider):
    provider.claims["groups"] = ["some-other-group"]
    client = Client()
    assert_refused(sign_in(client, provider), client, says="not in any of the groups")


def test_an_account_whose_groups_were_all_removed_loses_its_roles(db, provider):
    sign_in(Client(), provider)
    provider.claims["groups"] = []
    client = Client()
    response = sign_in(client, provider)
    assert response.status_code == 403
    assert not signed_in(client)
    assert roles_of(User.objects.get(username=f"sso-{OID}")) == set()


def test_a_local_account_with_the_same_email_is_not_taken_over(db, provider):
    admin = User.objects.create_superuser("admin", "julia.regan@merton.gov.uk", "a-long-password")
    client = Client()
    sign_in(client, provider)
    assert int(client.session["_auth_user_id"]) != admin.pk
    assert not admin.groups.exists()


def test_local_sign_in_still_works_with_sso_on(db, provider):
    user = User.objects.create_user("localofficer", password="a-long-local-password")
    user.groups.add(Group.objects.get_or_create(name=roles.SCRUTINY_OFFICER)[0])
    client = Client()
    response = client.post(
        reverse("login"), {"username": "localofficer", "password": "a-long-local-password"}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_out_reaches_the_providers_end_session_endpoint(db, provider):
    client = Client()
    sign_in(client, provider)
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("sso_logout"))
    assert response.status_code == 302
    assert response["Location"].startswith(provider.url + "/logout?")
    assert not signed_in(client)
    assert at_provider(response["Location"]).status_code == 200
    (told,) = provider.logout_requests
    assert told == {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": "http://testserver" + reverse("login"),
    }


def test_sign_out_of_a_local_session_stays_here(db, provider):
    user = User.objects.create_user("localofficer", password="a-long-local-password")
    client = Client()
    client.force_login(user)
    response = client.post(reverse("sso_logout"))
    assert response["Location"] == reverse("login")
    assert not signed_in(client)
    assert provider.logout_requests == []


def test_an_unreachable_provider_gives_a_clear_page(db, settings, client):
    sso._discovery.clear()
    settings.OIDC_RP_CLIENT_ID = "scrutiny-app"
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.get(reverse("sso_login"))
    assert response.status_code == 503
    assert "could not be reached" in response.content.decode()


@pytest.mark.parametrize(
    "raw",
    ['{"group": "Emperors"}', "[1, 2]", "{not json", '{"group": 7}'],
)
def test_a_group_mapping_that_cannot_be_read_stops_the_start(raw):
    with pytest.raises(ImproperlyConfigured):
        oidc_group_roles(raw)


def test_the_group_mapping_takes_a_role_or_a_list():
    assert oidc_group_roles(
        '{"a": "Councillors", "b": ["Scrutiny officers", "Administrators"]}'
    ) == {"a": ["Councillors"], "b": ["Scrutiny officers", "Administrators"]}
    assert oidc_group_roles("") == {}


def test_sso_switched_on_without_what_it_needs_stops_the_start():
    complete = {
        "OIDC_RP_CLIENT_ID": "app",
        "OIDC_RP_CLIENT_SECRET": "secret",
        "OIDC_DISCOVERY_URL": "https://login.example/v2.0/.well-known/openid-configuration",
        "OIDC_GROUP_ROLES": {"g": [roles.COUNCILLOR]},
    }
    oidc_check(complete)
    oidc_check({**complete, "OIDC_RP_CLIENT_ID": "", "OIDC_GROUP_ROLES": {}})  # off: fine
    for change in (
        {"OIDC_RP_CLIENT_SECRET": ""},
        {"OIDC_GROUP_ROLES": {}},
        {
            "OIDC_DISCOVERY_URL": "",
            **{f"OIDC_OP_{e}_ENDPOINT": "" for e in ("AUTHORIZATION", "TOKEN", "JWKS")},
            "OIDC_OP_ISSUER": "",
        },
    ):
        with pytest.raises(ImproperlyConfigured):
            oidc_check({**complete, **change})
