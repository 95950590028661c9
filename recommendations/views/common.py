"""What the register's pages share: the "as at" parameter, sort links, pages of results and
of history."""

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest

from scrutiny.formats import parse_as_at

from ..history import describe_changes

PAGE_SIZE = 50

HISTORY_PAGE_SIZE = 50


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def as_at_parameter(request: HttpRequest) -> tuple[datetime.date | None, str]:
    """The "as at" date from ``?as_at=2017-07-06`` (or 6/7/2017), with an error message."""
    try:
        return parse_as_at(request.GET.get("as_at")), ""
    except ValidationError as error:
        return None, error.message


def sort_links(request: HttpRequest, columns: dict[str, str]) -> dict[str, dict]:
    """For each sortable column: the URL that sorts by it and the current aria-sort value."""
    current = request.GET.get("sort", "")
    links = {}
    for key in columns:
        params = request.GET.copy()
        params.pop("page", None)
        if current == key:
            params["sort"] = f"-{key}"
            aria = "ascending"
        elif current == f"-{key}":
            params["sort"] = key
            aria = "descending"
        else:
            params["sort"] = key
            aria = "none"
        links[key] = {"url": "?" + params.urlencode(), "aria": aria, "label": columns[key]}
    return links


def page_of_history(entries: list, request: HttpRequest):
    """A page of history entries, newest first, with the changes of those shown described."""
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    describe_changes(page.object_list)
    return page
