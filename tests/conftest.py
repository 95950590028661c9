import datetime

import pytest
from django.contrib.auth.models import Group, User

from recommendations.demo.loader import load_demo
from reviews import roles
from reviews.models import Committee, CommitteeKind, Meeting, Review, ReviewType


@pytest.fixture
def demo(db):
    """The demonstration data, loaded as the system would load it."""
    return load_demo()


def make_user(username: str, role: str, **extra) -> User:
    user = User.objects.create_user(username=username, password="correct-horse-9", **extra)
    user.groups.add(Group.objects.get(name=role))
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
