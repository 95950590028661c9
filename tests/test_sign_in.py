"""Local sign-in that holds (issue 15, point 2), through the real pages: never force_login.

Lock-out after repeated failures per account and per address (django-axes), on the app's
sign-in page and the admin's; the sign-ins logged; the password policy; reset by email; the
idle timeout; no-store; and a code from an authenticator app for administrators."""

import binascii
import datetime
import io
import json
import logging
import re
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from scrutiny import roles
from scrutiny.accounts.models import AccountEvent
from scrutiny.audit import system_user
from scrutiny.requestlog import JsonFormatter, RequestIdFilter, client_address
from scrutiny.signin.sessions import LAST_ACTIVITY
from scrutiny.signin.views import PENDING_KEY

from .conftest import make_user

PASSWORD = "correct-horse-9"  # conftest.make_user's
LOGIN = "/accounts/login/"


def sign_in(
    client, username, password=PASSWORD, *, address="10.0.0.1", url=LOGIN, forwarded=None, **data
):
    """Sign in through the page from ``address`` (with ``forwarded`` as X-Forwarded-For)."""
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post(
        url, {"username": username, "password": password, **data}, REMOTE_ADDR=address, **headers
    )


def signed_in(client) -> bool:
    return client.get(reverse("review_list")).status_code == 200


# --- lock-out -------------------------------------------------------------------------------


def test_an_account_is_locked_after_five_wrong_passwords_from_any_address(client, db):
    make_user("so", roles.SCRUTINY_OFFICER)
    for n in range(4):
        response = sign_in(client, "so", "wrong-password", address=f"10.0.1.{n}")
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
    fifth = sign_in(client, "so", "wrong-password", address="10.0.1.9")
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert "Your account is locked" in html
    assert "It is locked for 30 minutes" in html
    assert "contact democracy services" in html
    # The right password, from yet another address, is refused while the account is locked.
    right = sign_in(client, "so", address="10.0.2.1")
    assert right.status_code == 429
    assert not signed_in(client)


def test_an_address_is_locked_after_five_wrong_passwords_for_any_accounts(client, db):
    make_user("so", roles.SCRUTINY_OFFICER)
    for n in range(5):
        sign_in(client, f"guess-{n}", "wrong-password", address="10.9.9.9")
    assert sign_in(client, "so", address="10.9.9.9").status_code == 429
    assert not signed_in(client)
    # The account itself is not locked: from another address it signs in.
    assert sign_in(client, "so", address="10.1.1.1").status_code == 302
    assert signed_in(client)


def test_the_lock_ends_after_the_cool_off(client, db, settings):
    make_user("so", roles.SCRUTINY_OFFICER)
    for _ in range(5):
        sign_in(client, "so", "wrong-password")
    assert sign_in(client, "so").status_code == 429
    later = timezone.now() + datetime.timedelta(minutes=29)
    with mock.patch("axes.handlers.proxy.now", return_value=later):
        assert sign_in(client, "so").status_code == 429
    later = timezone.now() + datetime.timedelta(minutes=31)
    with mock.patch("axes.handlers.proxy.now", return_value=later):
        assert sign_in(client, "so").status_code == 302
    assert signed_in(client)
    # A successful sign-in clears the account's failures.
    assert not AccessAttempt.objects.filter(username="so").exists()


def test_the_limit_and_cool_off_are_settings(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=10)
    make_user("so", roles.SCRUTINY_OFFICER)
    assert sign_in(client, "so", "wrong-password").status_code == 200
    locked = sign_in(client, "so", "wrong-password")
    assert locked.status_code == 429
    assert "It is locked for 10 minutes" in locked.content.decode()


def test_the_admin_sign_in_page_locks_too(client, db):
    make_user("adm", roles.ADMINISTRATOR, is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(4):
        assert sign_in(client, "adm", "wrong-password", url=url).status_code == 200
    assert sign_in(client, "adm", "wrong-password", url=url).status_code == 429
    assert sign_in(client, "adm", url=url).status_code == 429
    # ... and the lock holds on the app's page too: it is the account's.
    assert sign_in(client, "adm", address="10.7.7.7").status_code == 429


def test_an_administrator_unlocks_an_account_with_the_axes_command(client, db):
    from django.core.management import call_command

    make_user("so", roles.SCRUTINY_OFFICER)
    for _ in range(5):
        sign_in(client, "so", "wrong-password")
    assert sign_in(client, "so").status_code == 429
    call_command("axes_reset_username", "so")
    call_command("axes_reset_ip", "10.0.0.1")
    assert sign_in(client, "so").status_code == 302


# --- behind a proxy -------------------------------------------------------------------------

PROXY = "127.0.0.1"  # nginx on the same host: every request arrives from it


def behind_proxy(client, username, password=PASSWORD, *, forwarded: str):
    """A sign-in through nginx, which appends the address it received from to the header."""
    return sign_in(client, username, password, address=PROXY, forwarded=forwarded)


def test_behind_a_trusted_proxy_two_addresses_are_locked_out_separately(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("so", roles.SCRUTINY_OFFICER)
    for n in range(5):
        behind_proxy(client, f"guess-{n}", "wrong-password", forwarded="203.0.113.7")
    assert behind_proxy(client, "so", forwarded="203.0.113.7").status_code == 429
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").exists()
    assert not AccessAttempt.objects.filter(ip_address=PROXY).exists()
    # Another person behind the same proxy is not locked out by the first one's typing ...
    assert behind_proxy(client, "so", forwarded="198.51.100.20").status_code == 302
    assert signed_in(client)
    # ... and what a client writes in the header itself is to the left of nginx's, unread.
    client.post(reverse("logout"))
    spoofed = behind_proxy(client, "so", forwarded="198.51.100.20, 203.0.113.7")
    assert spoofed.status_code == 429


def test_without_the_setting_the_forwarded_header_is_ignored(client, db, settings):
    """A client cannot escape the lock by sending a new X-Forwarded-For each time."""
    assert settings.TRUSTED_PROXY_COUNT == 0
    make_user("so", roles.SCRUTINY_OFFICER)
    for n in range(5):
        sign_in(
            client,
            f"guess-{n}",
            "wrong-password",
            address="192.0.2.50",
            forwarded=f"10.77.0.{n}",
        )
    refused = sign_in(client, "so", address="192.0.2.50", forwarded="10.77.0.99")
    assert refused.status_code == 429
    assert not AccessAttempt.objects.filter(ip_address__startswith="10.77.").exists()


def test_the_sign_in_log_and_the_request_log_name_the_client_behind_the_proxy(
    client, db, settings, caplog
):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("so", roles.SCRUTINY_OFFICER)
    # The production log handler: JSON lines, the request id and the client added.
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("scrutiny.signin")
    logger.addHandler(handler)
    try:
        with caplog.at_level(logging.INFO, logger="scrutiny.signin"):
            response = behind_proxy(client, "so", forwarded="203.0.113.9")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 302
    assert "sign-in succeeded: username='so' address=203.0.113.9" in caplog.messages
    (line,) = [json.loads(text) for text in written.getvalue().splitlines()]
    assert line["client"] == "203.0.113.9"
    assert line["request_id"] == response["X-Request-ID"]
    assert AccessLog.objects.get(username="so").ip_address == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.1", "127.0.0.1"),  # not behind a proxy: the header is anyone's
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # the client's own guess, left of nginx's
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.5", "203.0.113.1"),  # load balancer, then nginx
        (2, "203.0.113.1", "127.0.0.1"),  # fewer addresses than proxies: not theirs
        (1, "", "127.0.0.1"),
        (1, "not-an-address", "127.0.0.1"),
        (1, "203.0.113.1:51234", "203.0.113.1"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta) == expected


# --- the log --------------------------------------------------------------------------------


def test_failed_and_successful_sign_ins_are_logged(client, db, caplog):
    make_user("so", roles.SCRUTINY_OFFICER)
    with caplog.at_level(logging.INFO, logger="scrutiny.signin"):
        sign_in(client, "so", "wrong-password", address="10.3.3.3")
        sign_in(client, "so", address="10.3.3.4")
    lines = [r.getMessage() for r in caplog.records if r.name == "scrutiny.signin"]
    assert (
        "sign-in failed: username='so' address=10.3.3.3 outcome=wrong username or password" in lines
    )
    assert "sign-in succeeded: username='so' address=10.3.3.4" in lines
    # django-axes's own records: the failure, and the access log of the sign-in.
    assert AccessLog.objects.filter(username="so", ip_address="10.3.3.4").exists()


def test_a_locked_out_try_is_logged_as_such(client, db, caplog):
    make_user("so", roles.SCRUTINY_OFFICER)
    for _ in range(5):
        sign_in(client, "so", "wrong-password")
    with caplog.at_level(logging.INFO, logger="scrutiny.signin"):
        sign_in(client, "so")
    assert "sign-in failed: username='so' address=10.0.0.1 outcome=locked out" in [
        r.getMessage() for r in caplog.records
    ]


# --- the password policy --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("384719283746", "entirely numeric"),
        ("sophie.ellis@merton", "too similar"),
    ],
)
def test_the_password_policy(db, password, message):
    user = User(
        username="sellis",
        first_name="Sophie",
        last_name="Ellis",
        email="sophie.ellis@merton.example",
    )
    with pytest.raises(ValidationError, match=message):
        validate_password(password, user)


def test_the_demonstration_accounts_meet_the_policy():
    from recommendations.demo.loader import DATA_FILE

    accounts = json.loads(DATA_FILE.read_text(encoding="utf-8"))["accounts"]
    assert accounts
    for account in accounts:
        user = User(
            username=account["username"],
            first_name=account["first_name"],
            last_name=account["last_name"],
        )
        validate_password(account["password"], user)


# --- password reset by email ----------------------------------------------------------------


def test_password_reset_by_email_end_to_end(client, db, mailoutbox, settings):
    settings.SITE_URL = "https://scrutiny.council.example"
    make_user("so", roles.SCRUTINY_OFFICER, email="sam.officer@council.example")
    page = client.get(LOGIN).content.decode()
    assert reverse("password_reset") in page
    response = client.post(reverse("password_reset"), {"email": "Sam.Officer@council.example"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["sam.officer@council.example"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    link = re.search(r"https://scrutiny\.council\.example(/accounts/reset/\S+/)", message.body)
    assert link, message.body
    form_url = client.get(link.group(1))["Location"]  # Django swaps the token for the session
    page = client.get(form_url)
    assert "Choose a new password" in page.content.decode()
    short = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 200
    assert "at least 12 characters" in short.content.decode()
    new = "lantern-orchard-biscuit"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("password_reset_complete")
    assert sign_in(client, "so").status_code == 200  # the old password no longer works
    assert sign_in(client, "so", new).status_code == 302
    assert signed_in(client)
    # The link worked once.
    client.post(reverse("logout"))
    again = client.get(link.group(1), follow=True).content.decode()
    assert "The link does not work" in again


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@council.example"})
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []
    bad = client.post(reverse("password_reset"), {"email": "not an address"})
    assert bad.status_code == 200 and "Enter an email address" in bad.content.decode()


# --- the idle timeout and no-store ----------------------------------------------------------


def move_activity(client, minutes: int) -> None:
    session = client.session
    session[LAST_ACTIVITY] -= minutes * 60
    session.save()


def test_an_idle_session_is_signed_out_with_a_message(client, db):
    make_user("cllr", roles.COUNCILLOR)
    assert sign_in(client, "cllr").status_code == 302
    assert signed_in(client)
    move_activity(client, 29)
    assert signed_in(client)
    move_activity(client, 2)  # 31 minutes since the last stamped activity
    response = client.get(reverse("review_list"))
    assert response["Location"].startswith(LOGIN)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used the tracker for 30 minutes" in page
    assert not signed_in(client)


def test_activity_keeps_a_session(client, db, settings):
    settings.SESSION_IDLE_STAMP_SECONDS = 60
    make_user("cllr", roles.COUNCILLOR)
    sign_in(client, "cllr")
    for _ in range(3):
        move_activity(client, 20)
        assert signed_in(client)  # and stamped anew
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_pages_are_not_kept_by_caches(client, db):
    make_user("cllr", roles.COUNCILLOR)
    assert client.get(LOGIN)["Cache-Control"] == "no-store"
    sign_in(client, "cllr")
    for url in (reverse("dashboard"), reverse("review_list"), reverse("recommendation_list")):
        assert client.get(url)["Cache-Control"] == "no-store"


# --- the second factor ----------------------------------------------------------------------


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, drift=offset):06d}"


def test_an_administrator_sets_up_an_authenticator_and_then_gives_a_code(client, db):
    admin = make_user("adm", roles.ADMINISTRATOR, is_staff=True)
    response = sign_in(client, "adm", next="/reviews/")
    assert response["Location"] == "/reviews/"
    asked = client.get("/reviews/")
    assert asked["Location"] == reverse("two_factor") + "?next=%2Freviews%2F"
    setup = client.get(asked["Location"], follow=True)
    html = setup.content.decode()
    assert "Set up your authenticator app" in html
    assert "<svg" in html and "Secret key" in html
    key = client.session[PENDING_KEY]
    secret = __import__("base64").b32encode(binascii.unhexlify(key)).decode()
    assert secret[:4] in html
    assert not TOTPDevice.objects.filter(user=admin).exists()  # nothing saved on sight
    # The admin and the administrator's pages wait for the code.
    assert client.get(reverse("backup"))["Location"].startswith(reverse("two_factor"))
    assert client.get("/admin/")["Location"].startswith(reverse("two_factor"))
    url = setup.redirect_chain[-1][0]
    wrong = client.post(url, {"code": "000000", "next": "/reviews/"})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    pending = TOTPDevice(user=admin, key=key)
    done = client.post(url, {"code": code_for(pending), "next": "/reviews/"})
    assert done["Location"] == "/reviews/"
    assert signed_in(client)
    assert client.get(reverse("backup")).status_code == 200
    assert client.get("/admin/").status_code == 200

    # The next sign-in asks for the code of the app set up.
    client.post(reverse("logout"))
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    sign_in(client, "adm")
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor"))
    page = client.get(reverse("two_factor"))
    assert "Enter the code from your authenticator app" in page.content.decode()
    assert client.post(reverse("two_factor"), {"code": "12 34"}).status_code == 200
    right = client.post(reverse("two_factor"), {"code": code_for(device, offset=1)})
    assert right.status_code == 302
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_a_superuser_is_asked_for_the_code_at_the_admin_sign_in(client, db):
    make_user("root", roles.SCRUTINY_OFFICER, is_staff=True, is_superuser=True)
    response = sign_in(client, "root", url=reverse("admin:login"), next="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/")["Location"].startswith(reverse("two_factor"))
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor"))


def test_a_councillor_is_not_asked_for_a_code(client, db):
    make_user("cllr", roles.COUNCILLOR)
    assert sign_in(client, "cllr")["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("two_factor")).status_code == 403
    assert client.get(reverse("two_factor_setup")).status_code == 403


# --- a lost authenticator app ---------------------------------------------------------------


def set_up_authenticator(client, username: str) -> TOTPDevice:
    """Sign in as ``username`` through the pages and set up an authenticator app."""
    sign_in(client, username)
    client.get(reverse("two_factor_setup"))
    pending = TOTPDevice(key=client.session[PENDING_KEY])
    assert client.post(reverse("two_factor_setup"), {"code": code_for(pending)}).status_code == 302
    return TOTPDevice.objects.get(user__username=username)


def test_setting_up_an_authenticator_is_an_account_event(client, db):
    admin = make_user("adm", roles.ADMINISTRATOR)
    set_up_authenticator(client, "adm")
    event = AccountEvent.objects.get(account=admin, kind="authenticator_added")
    assert (event.by, event.reason) == (admin, "Set up after signing in")


def test_a_lost_authenticator_is_removed_by_the_command_with_its_reason(client, db):
    admin = make_user("adm", roles.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    other = make_user("root", roles.ADMINISTRATOR)
    set_up_authenticator(client, "adm")
    assert signed_in(client)
    out = io.StringIO()
    call_command(
        "remove_authenticator", "adm", reason="Phone lost on the train", user="root", stdout=out
    )
    assert "Removed the authenticator app of adm" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=admin).exists()
    event = AccountEvent.objects.get(account=admin, kind="authenticator_removed")
    assert (event.by, event.reason) == (other, "Phone lost on the train")
    # The session verified with the lost app is asked to set up a new one before any page.
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor"))
    assert (
        "Set up your authenticator app"
        in client.get(reverse("two_factor"), follow=True).content.decode()
    )
    # So is the next sign-in.
    client.post(reverse("logout"))
    sign_in(client, "adm")
    asked = client.get(reverse("two_factor"), follow=True)
    assert asked.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    set_up_authenticator(client, "adm")
    assert signed_in(client)


def test_removing_an_authenticator_needs_a_reason_and_an_app_and_a_known_user(db):
    admin = make_user("adm", roles.ADMINISTRATOR)
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    with pytest.raises(CommandError, match="Give the reason"):
        call_command("remove_authenticator", "adm", reason="  ")
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        call_command("remove_authenticator", "nobody", reason="Lost")
    assert TOTPDevice.objects.filter(user=admin).exists()
    call_command("remove_authenticator", "adm", reason="Lost", stdout=io.StringIO())
    event = AccountEvent.objects.get(kind="authenticator_removed")
    assert event.by.get_username() == system_user().get_username()
    with pytest.raises(CommandError, match="has no authenticator app: nothing was changed"):
        call_command("remove_authenticator", "adm", reason="Lost again")
    assert AccountEvent.objects.filter(kind="authenticator_removed").count() == 1


def test_the_admin_removes_an_authenticator_only_as_an_event_and_never_shows_a_secret(client, db):
    root = make_user("root", roles.ADMINISTRATOR, is_staff=True, is_superuser=True)
    admin = make_user("adm", roles.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    client.force_login(root)  # with root's own app (tests/conftest.py)
    base = "/admin/otp_totp/totpdevice/"
    assert client.get(base).status_code == 200
    for url in (f"{base}{device.pk}/config/", f"{base}{device.pk}/qrcode/"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"{base}add/").status_code == 403
    response = client.post(f"{base}{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=admin).exists()
    event = AccountEvent.objects.get(account=admin, kind="authenticator_removed")
    assert (event.by, event.reason) == (root, "Removed in the admin (a lost authenticator app)")
