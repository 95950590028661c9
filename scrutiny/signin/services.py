"""The writes of signing in, each in a transaction with its reason: a new password (an account
event through Django's ``password_changed`` hook, ``scrutiny.accounts.validators``), and an
administrator's authenticator app (an account event); both also a line of the
``scrutiny.signin`` log. A lost app is removed by
``scrutiny.accounts.services.account_authenticator_remove``."""

import logging

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from scrutiny.accounts.services import authenticator_added

logger = logging.getLogger("scrutiny.signin")

DEVICE_NAME = "Authenticator app"


def set_password(*, user, password: str, reason: str):
    """Give ``user`` the (already validated) ``password``."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
    logger.info("password set: username=%r reason=%r", user.get_username(), reason)
    return user


def add_authenticator(*, user, key: str, reason: str) -> TOTPDevice:
    """Record ``user``'s authenticator app (its hex ``key``, already shown a right code),
    replacing any earlier one."""
    with transaction.atomic():
        for old in TOTPDevice.objects.filter(user=user):
            old.delete()
        device = TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=True)
        device.full_clean()
        device.save()
        authenticator_added(user=user, reason=reason)
    logger.info("authenticator added: username=%r reason=%r", user.get_username(), reason)
    return device
