from django.conf import settings
from django.utils.functional import SimpleLazyObject

from scrutiny.permissions import (
    has_officer_record,
    has_role,
    is_administrator,
    is_register_editor,
)


def council(request):
    """The council's name, whether the user keeps the register (read lazily: only pages
    that show editing links ask, one query), and whether the account is an officer's (the
    navigation then links to "My actions"; read with the account, no query), and whether it
    has a role at all (an account in none is shown no navigation to pages it may not see)."""
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "can_edit_register": SimpleLazyObject(lambda: is_register_editor(request.user)),
        "has_officer_record": SimpleLazyObject(lambda: has_officer_record(request.user)),
        "is_administrator": SimpleLazyObject(lambda: is_administrator(request.user)),
        "has_role": SimpleLazyObject(lambda: has_role(request.user)),
    }
