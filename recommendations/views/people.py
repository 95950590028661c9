"""The history of the people the register names and of meetings' agenda items (their lists
and forms are in ``reviews.people``; the history pages live here, with the other history
pages, because ``reviews`` may not import ``recommendations``)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from reviews.models import AgendaItem, Councillor, Officer, PartnerOrganisation

from ..history import history_entries
from .common import page_of_history


def _history_page(request: HttpRequest, record, *, title: str, back_url: str) -> HttpResponse:
    model = type(record)
    entries = history_entries(
        [(model, model.history.filter(id=record.pk), model._meta.verbose_name.capitalize())]
    )
    context = {
        "record": record,
        "page": page_of_history(entries, request),
        "back_url": back_url,
        "title": title,
    }
    return render(request, "recommendations/history.html", context)


@require_safe
def officer_history(request: HttpRequest, pk: int) -> HttpResponse:
    officer = get_object_or_404(Officer, pk=pk)
    return _history_page(request, officer, title=officer.name, back_url=reverse("officer_list"))


@require_safe
def councillor_history(request: HttpRequest, pk: int) -> HttpResponse:
    councillor = get_object_or_404(Councillor, pk=pk)
    return _history_page(
        request, councillor, title=str(councillor), back_url=reverse("councillor_list")
    )


@require_safe
def partner_history(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(PartnerOrganisation, pk=pk)
    return _history_page(request, partner, title=partner.name, back_url=partner.get_absolute_url())


@require_safe
def agenda_item_history(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__committee"), pk=pk)
    return _history_page(
        request, item, title=f"{item}, {item.meeting}", back_url=item.get_absolute_url()
    )
