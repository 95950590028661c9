from django.conf import settings
from django.utils.functional import SimpleLazyObject

from scrutiny.permissions import is_register_editor


def council(request):
    """The council's name, and whether the user keeps the register (read lazily: only pages
    that show editing links ask, one query)."""
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "can_edit_register": SimpleLazyObject(lambda: is_register_editor(request.user)),
    }
