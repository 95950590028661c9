"""Template tags of the committee documents, for the pages of the other apps (which do not
import this one): ``{% load documents %}{% published_documents meeting as documents %}``."""

from django import template

from ..service import published_documents_for
from ..targets import replacement_url as _replacement_url

register = template.Library()


@register.simple_tag
def published_documents(meeting) -> list:
    """The documents published to ``meeting``, newest first, without their bytes (one query)."""
    return published_documents_for(meeting)


@register.filter
def replacement_url(document) -> str:
    """The export page that publishes the replacement of a withdrawn document."""
    return _replacement_url(document)


@register.filter
def cell_text(column, block):
    """A recommendation's cell of ``column`` (a ``table.PrintedColumn``) as plain text."""
    return column.text(block)
