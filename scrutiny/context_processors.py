from django.conf import settings


def council(request):
    """The council's name, for the header and page titles."""
    return {"COUNCIL_NAME": settings.COUNCIL_NAME}
