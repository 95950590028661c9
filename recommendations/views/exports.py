"""The registers as spreadsheets: the reviews and recommendations registers, with the same
filters and URL parameters as their pages, as an Excel workbook (.xlsx) or CSV. Whoever may
read a register may export it. A filter the page would refuse gets the page, with its
message, and no file."""

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..exports import (
    csv_lines,
    export_filename,
    recommendation_sheets,
    review_sheet,
    workbook_file,
)
from ..filtersets import RecommendationFilterSet, ReviewFilterSet
from ..models import Recommendation
from .recommendations import recommendation_list
from .reviews import review_list, reviews_register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The lists of the recommendations register a CSV can hold (one a file): ``?list=actions``.
CSV_LISTS = {"recommendations": 0, "actions": 1, "updates": 2}


def _xlsx(sheets, name: str) -> FileResponse:
    return FileResponse(
        workbook_file(sheets),
        as_attachment=True,
        filename=export_filename(name, "xlsx"),
        content_type=XLSX,
    )


def _csv(sheet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(sheet), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(sheet.name, "csv")}"'
    return response


def _selection(request: HttpRequest, filterset_class, queryset):
    """The register's rows for the request's filters, in its order (None if the page would
    refuse the filters)."""
    filterset = filterset_class(request.GET, queryset=queryset)
    return filterset.qs if filterset.is_valid() else None


def _recommendations(request: HttpRequest):
    today = timezone.localdate()
    selection = _selection(
        request, RecommendationFilterSet, Recommendation.objects.for_register(today)
    )
    return None if selection is None else recommendation_sheets(selection, today)


@require_safe
def recommendation_export_xlsx(request: HttpRequest) -> HttpResponse:
    """The recommendations register: a sheet each of recommendations, actions and updates."""
    sheets = _recommendations(request)
    if sheets is None:
        return recommendation_list(request)
    return _xlsx(sheets, "recommendations")


@require_safe
def recommendation_export_csv(request: HttpRequest) -> HttpResponse:
    """One list of the recommendations register as CSV: the recommendations, or with
    ``?list=actions`` or ``?list=updates`` their actions or updates."""
    chosen = request.GET.get("list", "recommendations")
    if chosen not in CSV_LISTS:
        return render(
            request,
            "recommendations/export_problem.html",
            {
                "message": "Choose which list to download: recommendations, actions or updates.",
                "back_url": "recommendation_list",
            },
            status=400,
        )
    sheets = _recommendations(request)
    if sheets is None:
        return recommendation_list(request)
    return _csv(sheets[CSV_LISTS[chosen]])


def _reviews(request: HttpRequest):
    fields = ("scope_agreed_on", "report_agreed_on")
    selection = _selection(request, ReviewFilterSet, reviews_register(*fields))
    return None if selection is None else review_sheet(selection, timezone.localdate())


@require_safe
def review_export_xlsx(request: HttpRequest) -> HttpResponse:
    sheet = _reviews(request)
    if sheet is None:
        return review_list(request)
    return _xlsx([sheet], "reviews")


@require_safe
def review_export_csv(request: HttpRequest) -> HttpResponse:
    sheet = _reviews(request)
    if sheet is None:
        return review_list(request)
    return _csv(sheet)
