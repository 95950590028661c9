"""Single sign-on with the council's identity provider over OpenID Connect (mozilla-django-oidc).

Off unless ``OIDC_RP_CLIENT_ID`` is set (its pages then answer 404 and its backend declines).
When on:

- ``/sso/sign-in/`` sends the browser to the provider (state, nonce and PKCE kept in the
  session); ``/sso/callback/`` takes the code back, asks the provider's token endpoint for the ID
  token and checks it: RS256 signature by a key of the provider's JWKS, issuer, audience (our
  client id), expiry and nonce. Any failure shows a page saying sign-in did not work, and the
  session is left signed out.
- The person's roles come from the token's group claim through ``OIDC_GROUP_ROLES``. Someone in
  no mapped group is refused and **no account is made** (an inactive account for everyone in
  the organisation who once tried the link would only clutter the user list; the refusal is
  logged instead). An account is made at the first sign-in (username ``sso-`` and the stable
  claim, ``oid`` for Entra ID), its name and email kept from the claims, its roles re-set at
  every sign-in. Each of these is an account event by the system user through the same
  services as the admin's changes (``scrutiny.accounts.services``): the account made, each role
  given and removed, a changed name or email; a sign-in that changes nothing writes nothing.
  An officer of the register with the same email and no account yet is linked to it (with its
  history row). An existing local account is never
  taken over by email: the break-glass administrator stays local.
- ``/sso/sign-out/`` signs out here and then at the provider (its end-session endpoint, with
  ``id_token_hint`` and ``post_logout_redirect_uri``).

The signed-in session belongs to :class:`scrutiny.auth.AccountBackend` like any other, so pages
read the account exactly as for a local sign-in.
"""

import logging
import time
from urllib.parse import urlencode

import jwt
import requests
from django.apps import apps
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from . import roles
from .accounts.services import account_create, account_save
from .audit import acting_as, system_user

log = logging.getLogger("scrutiny.sso")

USERNAME_PREFIX = "sso-"
DISCOVERY_SECONDS = 3600
# Settings read from the discovery document when not given one by one.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
    "OIDC_OP_ISSUER": "issuer",
}
_discovery: dict[str, tuple[float, dict]] = {}


class SignInRefused(Exception):
    """Sign-in through the provider did not work; the message is for the person."""


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def discovery_document() -> dict:
    """The provider's ``/.well-known/openid-configuration``, read once an hour at most."""
    url = settings.OIDC_DISCOVERY_URL
    if not url:
        return {}
    fetched = _discovery.get(url)
    if fetched and time.monotonic() - fetched[0] < DISCOVERY_SECONDS:
        return fetched[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        log.error("OpenID discovery document %s could not be read: %s", url, error)
        raise SignInRefused(
            "The council's sign-in service could not be reached. Try again in a few minutes, "
            "or sign in with your username and password."
        ) from None
    _discovery[url] = (time.monotonic(), document)
    return document


def oidc_setting(attr, *args):
    """A setting as mozilla-django-oidc asks for it, the provider's endpoints filled in from
    its discovery document where the settings leave them empty."""
    value = import_from_settings(attr, *args)
    if attr in DISCOVERED and not value:
        value = discovery_document().get(DISCOVERED[attr], "")
    if attr in DISCOVERED and not value and not args and attr != "OIDC_OP_LOGOUT_ENDPOINT":
        raise ImproperlyConfigured(f"{attr} is not set and the discovery document lacks it.")
    return value


def roles_for(claims: dict) -> set[str]:
    """The app's roles that the person's groups map to (``OIDC_GROUP_ROLES``)."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = settings.OIDC_GROUP_ROLES
    return {role for group in groups for role in mapping.get(str(group), [])}


REASON_ROLES = "Single sign-on: groups from the identity provider"
REASON_NO_GROUP = "Single sign-on: in none of the mapped groups at the identity provider"
REASON_CREATED = "Single sign-on: account made at the first sign-in"
REASON_DETAILS = "Single sign-on: name or email from the identity provider"


def set_roles(*, user, wanted: set[str], reason: str) -> list:
    """Make ``user``'s roles exactly ``wanted`` (roles of scrutiny/roles.py; other groups
    untouched) through the same service as the admin's changes
    (:func:`scrutiny.accounts.services.account_roles_set`): an account event for each role given
    and removed, by the system user, with ``reason``. Roles already as wanted write nothing."""
    from .accounts.services import account_roles_set

    with transaction.atomic():
        held = list(user.groups.all())
        if {g.name for g in held if g.name in roles.ALL_ROLES} == wanted:
            return []
        events = account_roles_set(
            user=user, roles=_groups(held, wanted), by=system_user(), reason=reason
        )
    for event in events:
        log.warning("%s: %s, %s (%s)", event.get_kind_display(), event.role, user, reason)
    return events


def _groups(held, wanted: set[str]) -> list[Group]:
    """The groups ``held`` that are not roles, and the role groups ``wanted``."""
    kept = [g for g in held if g.name not in roles.ALL_ROLES]
    return kept + [Group.objects.get_or_create(name=name)[0] for name in sorted(wanted)]


def link_officer(*, user, email: str) -> None:
    """Link the register's officer with this email, if exactly one has no account yet."""
    if not email:
        return
    from .services import record_save

    Officer = apps.get_model("reviews", "Officer")
    if Officer.objects.filter(user=user).exists():
        return
    matches = list(Officer.objects.filter(email__iexact=email, user__isnull=True)[:2])
    if len(matches) == 1:
        officer = matches[0]
        officer.user = user
        try:
            record_save(record=officer, user=user, reason="Linked at first single sign-on (email)")
        except ValidationError as error:  # a record the register would refuse: linked by hand
            log.warning("officer %s not linked to %s: %s", officer.pk, user.get_username(), error)


class SSOBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend: inert unless SSO is on and the callback asks, the ID
    token checked in full, accounts matched on the stable claim and refused without a role."""

    def __init__(self, *args, **kwargs):
        # The library reads (and would discover) the endpoints here; this backend is made for
        # every local sign-in too, so they are read only when the callback needs them.
        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    def __getattr__(self, name):
        if name.startswith("OIDC_"):
            return oidc_setting(name, None)
        raise AttributeError(name)

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The signature (RS256 only), issuer, audience, expiry and issue time of the ID token;
        the library checks the nonce afterwards."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[settings.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=oidc_setting("OIDC_OP_ISSUER") or None,
                leeway=settings.OIDC_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SuspiciousOperation("the ID token has expired") from None
        except jwt.InvalidAudienceError:
            raise SuspiciousOperation("the ID token is for another application") from None
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"the ID token was refused: {error}") from None

    def verify_token(self, token, **kwargs):
        if not token:
            raise SuspiciousOperation("the provider sent no ID token")
        try:
            return super().verify_token(token, **kwargs)
        except (jwt.InvalidTokenError, KeyError) as error:  # an unreadable header or key set
            raise SuspiciousOperation(f"the ID token was refused: {error!r}") from None

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (Entra ID sends groups only there), completed from the
        userinfo endpoint when there is one, whose subject must be the token's."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") not in (None, payload.get("sub")):
                raise SuspiciousOperation("userinfo is about another person")
            for key, value in info.items():
                claims.setdefault(key, value)
        return claims

    def verify_claims(self, claims):
        return bool(self.stable_id(claims))

    @staticmethod
    def stable_id(claims) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("sub") or "")

    def get_username(self, claims):
        return (USERNAME_PREFIX + self.stable_id(claims))[:150]

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self.get_username(claims))

    @staticmethod
    def email_of(claims) -> str:
        email = claims.get("email") or claims.get("preferred_username") or ""
        return email if "@" in email else ""

    def copy_details(self, user, claims) -> bool:
        """Give ``user`` (in memory) the name and email of the claims; whether they differed."""
        details = {
            "first_name": (claims.get("given_name") or claims.get("name") or "")[:150],
            "last_name": (claims.get("family_name") or "")[:150],
            "email": self.email_of(claims)[:254],
        }
        differs = any(getattr(user, name) != value for name, value in details.items())
        for name, value in details.items():
            setattr(user, name, value)
        return differs

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("the ID token names nobody (no oid or sub)")
        wanted = roles_for(claims)
        username = self.get_username(claims)
        user = self.UserModel.objects.filter(username=username).first()
        if not wanted:
            log.warning("single sign-on refused: %s is in no mapped group", username)
            if user is not None:
                set_roles(user=user, wanted=set(), reason=REASON_NO_GROUP)
            raise SignInRefused(
                "Your account is not in any of the groups that may use this service. Ask the "
                "council's scrutiny team or IT service desk to add you to the right group."
            )
        if user is not None and not user.is_active:
            raise SignInRefused("Your account here has been switched off. Ask the scrutiny team.")
        with transaction.atomic(), acting_as(user):
            if user is None:
                user = self.UserModel(username=username)
                user.set_unusable_password()
                self.copy_details(user, claims)
                account_create(
                    user=user,
                    by=system_user(),
                    reason=REASON_CREATED,
                    roles=_groups([], wanted),
                )
                log.warning("account made at first single sign-on: %s", username)
                link_officer(user=user, email=user.email)
                return user
            if self.copy_details(user, claims):
                account_save(user=user, by=system_user(), reason=REASON_DETAILS)
            set_roles(user=user, wanted=wanted, reason=REASON_ROLES)
        return user


def refused(request, message: str, status: int = 403):
    """The page saying sign-in did not work; the session is left signed out."""
    auth.logout(request)
    return render(request, "registration/sso_refused.html", {"message": message}, status=status)


def _only_when_enabled(view):
    def wrapped(request, *args, **kwargs):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@method_decorator([login_not_required, _only_when_enabled], name="dispatch")
class SignInView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):  # endpoints read per request, not at start
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except SignInRefused as error:
            return refused(request, str(error), status=503)
        except ImproperlyConfigured as error:  # a discovery document without the endpoint
            log.error("single sign-on: %s", error)
            return refused(request, GENERIC_FAILURE, status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


GENERIC_FAILURE = (
    "Signing in with your council account did not work, so you are not signed in. Try again "
    "from the sign-in page; if it keeps happening, tell the IT service desk the time it happened."
)


@method_decorator([login_not_required, _only_when_enabled], name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        try:
            return super().get(request)
        except SignInRefused as error:
            return refused(request, str(error))
        except (
            SuspiciousOperation,
            requests.RequestException,
            ImproperlyConfigured,
            IntegrityError,  # the same first sign-in twice at once: the other one won
        ) as error:
            log.warning("single sign-on failed: %s", error)
            return refused(request, GENERIC_FAILURE)

    def login_failure(self):
        if self.request.GET.get("error"):
            log.warning("single sign-on: the provider said %s", self.request.GET["error"])
        return refused(self.request, GENERIC_FAILURE)

    def login_success(self):
        # The session belongs to the app's own backend, which reads the account, its officer
        # and its roles in one query on every page.
        auth.login(self.request, self.user, backend="scrutiny.auth.AccountBackend")
        return HttpResponseRedirect(self.success_url)


@method_decorator(login_not_required, name="dispatch")
class SignOutView(OIDCLogoutView):
    """Sign out here, then at the provider when this session came from it."""

    http_method_names = ["post"]
    get_settings = staticmethod(oidc_setting)


def provider_logout_url(request) -> str:
    """Where sign-out goes: the provider's end-session endpoint for a session that signed in
    there (with ``id_token_hint`` and the sign-in page to come back to), else sign-in."""
    back = reverse(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if not (enabled() and id_token):
        return back
    try:
        endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
    except SignInRefused:
        return back
    if not endpoint:
        return back
    query = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(back),
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def context(request) -> dict:
    """For the sign-in page and the header: is single sign-on on, and what is it called."""
    return {
        "sso_enabled": enabled(),
        "sso_account_name": getattr(settings, "OIDC_ACCOUNT_NAME", ""),
    }
