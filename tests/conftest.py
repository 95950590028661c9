import datetime

import pytest
from django.contrib.auth.models import Group, User

from recommendations.demo.loader import load_demo
from reviews.models import Committee, CommitteeKind, Meeting, Review, ReviewType
from scrutiny import roles

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """Every test hashes passwords with a fast hasher: PBKDF2 costs about 0.4 s a password,
    and the demonstration data alone hashes four, so the real hasher took about a third of
    the suite's CPU. Signing in still goes through the real form and the real checks."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS


def pytest_collection_modifyitems(config, items):
    """A test marked ``postgresql`` needs the PostgreSQL server (the suite's second pass,
    ``make pytest-postgres``, CI's PostgreSQL run): on SQLite it is deselected, not skipped,
    so neither pass has a skipped test."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.fixture(autouse=True)
def fresh_status_key():
    """Each test reads the council's status key afresh: a key read in an earlier test (whose
    changes were rolled back) is not kept. (A web request starts by forgetting it too.)"""
    from recommendations.models import forget_status_key

    forget_status_key()
    yield
    forget_status_key()


@pytest.fixture
def demo(db):
    """The demonstration data, loaded as the system would load it."""
    return load_demo()


def make_user(username: str, role: str, **extra) -> User:
    user = User.objects.create_user(username=username, password="correct-horse-9", **extra)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def officer_user(db):
    return make_user("so", roles.SCRUTINY_OFFICER, first_name="Scrutiny", last_name="Officer")


@pytest.fixture
def lead_officer_user(db):
    return make_user("lo", roles.LEAD_OFFICER, first_name="Lead", last_name="Officer")


@pytest.fixture
def councillor_user(db):
    return make_user("cllr", roles.COUNCILLOR, first_name="A", last_name="Councillor")


@pytest.fixture
def admin_user(db):
    return make_user("adm", roles.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def committee(db):
    return Committee.objects.create(
        name="Overview and Scrutiny Commission", kind=CommitteeKind.SCRUTINY
    )


@pytest.fixture
def cabinet(db):
    return Committee.objects.create(name="Cabinet", kind=CommitteeKind.EXECUTIVE)


@pytest.fixture
def review(committee):
    """A review whose report was agreed on 7 July 2016 (municipal year 2016/17)."""
    return Review.objects.create(
        title="Shared services",
        review_type=ReviewType.TASK_GROUP,
        commissioning_committee=committee,
        report_agreed_on=datetime.date(2016, 7, 7),
    )


@pytest.fixture
def cabinet_meeting(cabinet):
    return Meeting.objects.create(committee=cabinet, date=datetime.date(2016, 11, 14))


def add_reviews(count: int, *, start: int = 0) -> None:
    """Add ``count`` monitored reviews shaped like Merton's 2016 one: each with its meetings and
    ten recommendations (odd ones accepted with an overdue action and two updates, even ones
    rejected), so every page has more of everything to show."""
    from recommendations.models import ActionPlanItem, Recommendation, Update
    from reviews.models import Councillor, Officer, ReviewMember

    committee = Committee.objects.get_or_create(
        name="Extra Scrutiny Panel", defaults={"kind": CommitteeKind.SCRUTINY}
    )[0]
    cabinet = Committee.objects.get_or_create(
        name="Extra Cabinet", defaults={"kind": CommitteeKind.EXECUTIVE}
    )[0]
    owner = Officer.objects.get_or_create(name="Extra Officer")[0]
    councillor = Councillor.objects.get_or_create(name="Extra Member")[0]
    for i in range(start, start + count):
        agreed = Meeting.objects.create(
            committee=committee, date=datetime.date(2018, 1, 1) + datetime.timedelta(days=i)
        )
        received = Meeting.objects.create(
            committee=cabinet, date=datetime.date(2018, 3, 1) + datetime.timedelta(days=i)
        )
        review = Review.objects.create(
            title=f"Extra review {i}",
            review_type=ReviewType.TASK_GROUP,
            commissioning_committee=committee,
            scrutiny_officer=owner,
            reference_prefix=f"X{i}",
            status="monitoring",
            report_agreed_meeting=agreed,
            report_received_meeting=received,
            response_meeting=received,
        )
        ReviewMember.objects.create(review=review, councillor=councillor, role="chair")
        for number in range(1, 11):
            if number % 2:
                accepted = Recommendation.objects.create(
                    review=review,
                    number=number,
                    text=f"That the council does thing {i}.{number}.",
                    responsible_body=cabinet,
                    decision="accepted",
                    response_meeting=received,
                    lead_officer=owner,
                )
                action = ActionPlanItem.objects.create(
                    recommendation=accepted,
                    action=f"Do thing {i}.{number}",
                    timeline="June 2018",
                    target_date=datetime.date(2018, 6, 30),
                    owner=owner,
                    status="on_track",
                )
                for day in (10, 20):
                    Update.objects.create(
                        recommendation=accepted,
                        action=action,
                        date=datetime.date(2018, 5, day),
                        text=f"Progress on thing {i}, day {day}",
                        author=owner,
                        reported_to=agreed,
                    )
            else:
                Recommendation.objects.create(
                    review=review,
                    number=number,
                    text=f"That the council stops thing {i}.{number}.",
                    responsible_body=cabinet,
                    decision="rejected",
                    response_text="Unaffordable",
                    response_meeting=received,
                )


@pytest.fixture
def bigger(demo):
    """A function that adds ``n`` more reviews (and so more of every record)."""
    state = {"added": 0}

    def grow(n: int) -> None:
        add_reviews(n, start=state["added"])
        state["added"] += n

    return grow


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _documents_made_in_memory(settings):
    """Tests run background tasks at once, within the request (the immediate backend), and
    cache PDFs in memory: no worker process and no files under var/."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.CACHES = {
        **settings.CACHES,
        "documents": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "documents-tests",
        },
    }


@pytest.fixture(autouse=True)
def _reply_links_not_rate_limited_across_tests(settings):
    """The reply page's per-address counter lives in the cache, which outlives a test: each
    test starts with room to spare (the rate limit's own test sets the limits it needs)."""
    settings.REPLY_RATE_LIMIT_PER_ADDRESS = 100_000


def verify_second_factor(client, user) -> None:
    """Give ``client``'s session (signed in as ``user``) its second factor, as the code page
    does: the user's authenticator app (added if it has none) recorded in the session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_is_a_whole_sign_in(monkeypatch, settings):
    """``force_login`` stands for a whole sign-in: for an administrator, password and code
    (the pages of signing in are tested through the pages themselves, tests/test_sign_in.py).
    A page writes its session's last-activity stamp at most once a minute; a slow run could
    cross that minute between two counted requests, so the suite's sessions keep the stamp of
    their sign-in unless a test sets ``SESSION_IDLE_STAMP_SECONDS``."""
    from django.test import Client

    from scrutiny.permissions import is_administrator

    real = Client.force_login

    def force_login(self, user, backend=None):
        real(self, user, backend)
        if is_administrator(user) or user.is_staff:
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    settings.SESSION_IDLE_STAMP_SECONDS = 24 * 3600
