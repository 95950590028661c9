"""The writes of signing in, each in a transaction with its reason logged: a new password,
and an administrator's authenticator app. (Accounts have no history table of their own yet:
the reason is a line of the ``scrutiny.signin`` log.)"""

import logging

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    logger.info("authenticator added: username=%r reason=%r", user.get_username(), reason)
    return device
