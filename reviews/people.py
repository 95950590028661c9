"""Pages about the people the register names and the agendas of meetings, kept by scrutiny
officers: officers (and partners' contacts), partner organisations, councillors, and a
meeting's agenda items. Everyone signed in reads the lists; only those who keep the register
change them. (Each record's history page is in ``recommendations.views.people``, beside the
other history pages.)"""

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from scrutiny.editing import edit_record, gone_on_post
from scrutiny.forms import parse_id
from scrutiny.permissions import require_register_editor
from scrutiny.services import record_saver

from .forms import AgendaItemForm, CouncillorForm, OfficerForm, PartnerOrganisationForm
from .models import AgendaItem, Councillor, Meeting, Officer, PartnerOrganisation
from .services import councillor_set_committees

PAGE_SIZE = 50


def _search(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:200]


def _page(request: HttpRequest, records):
    return Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
def officer_list(request: HttpRequest) -> HttpResponse:
    """Officers and partners' contacts, with whether each signs in. ``?q=`` finds a name, job
    title, department or organisation."""
    q = _search(request)
    officers = Officer.objects.select_related("partner", "user")
    if q:
        officers = officers.filter(
            Q(name__icontains=q)
            | Q(job_title__icontains=q)
            | Q(department__icontains=q)
            | Q(partner__name__icontains=q)
        )
    context = {"page": _page(request, officers), "q": q, "query": f"q={q}" if q else ""}
    return render(request, "reviews/officer_list.html", context)


@require_safe
def councillor_list(request: HttpRequest) -> HttpResponse:
    q = _search(request)
    councillors = Councillor.objects.all()
    if q:
        councillors = councillors.filter(
            Q(name__icontains=q) | Q(role__icontains=q) | Q(ward__icontains=q)
        )
    context = {"page": _page(request, councillors), "q": q, "query": f"q={q}" if q else ""}
    return render(request, "reviews/councillor_list.html", context)


@require_safe
def partner_list(request: HttpRequest) -> HttpResponse:
    """Partner organisations, each with its contacts."""
    partners = PartnerOrganisation.objects.prefetch_related(
        Prefetch("contacts", queryset=Officer.objects.select_related("user"))
    )
    return render(request, "reviews/partner_list.html", {"page": _page(request, partners)})


# --- forms (scrutiny officers and administrators) --------------------------------------------


def _edit(
    request: HttpRequest,
    record,
    form_class,
    *,
    heading: str,
    back_url: str,
    success_url: str | None = None,
    success_message: str = "Saved {obj}.",
    save=None,
    **context,
) -> HttpResponse:
    """The page of a form that adds or edits one record of people or agendas (scrutiny
    officers only). After saving: ``success_url``, else ``back_url``; "" for the record's own
    place."""
    require_register_editor(request.user)
    return edit_record(
        request,
        form_class=form_class,
        instance=record,
        template="forms/edit.html",
        context={"heading": heading, "back_url": back_url, **context},
        success_url=back_url if success_url is None else success_url,
        success_message=success_message,
        save=save or record_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Officer, heading="Edit the officer")
def officer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_register_editor(request.user)
    officer = get_object_or_404(Officer, pk=pk) if pk else Officer()
    partner = PartnerOrganisation.objects.filter(pk=parse_id(request.GET.get("partner"))).first()
    if not pk and partner is not None:
        officer.partner = partner
    return _edit(
        request,
        officer,
        OfficerForm,
        heading=f"Edit {officer.name}" if pk else "Add an officer or a partner's contact",
        back_url=reverse("partner_list") if partner else reverse("officer_list"),
        success_message="Saved {obj.name}.",
        intro="Whether they sign in, and their account, is set by an administrator.",
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Councillor, heading="Edit the councillor")
def councillor_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_register_editor(request.user)
    councillor = get_object_or_404(Councillor, pk=pk) if pk else Councillor()

    def save(*, form, record, reason):
        return councillor_set_committees(
            councillor=record,
            committees=list(form.cleaned_data["committees"]),
            user=request.user,
            reason=reason,
            version=form.seen_version,
        )

    return _edit(
        request,
        councillor,
        CouncillorForm,
        heading=f"Edit {councillor}" if pk else "Add a councillor",
        back_url=reverse("councillor_list"),
        save=save,
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(PartnerOrganisation, heading="Edit the partner organisation")
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_register_editor(request.user)
    partner = get_object_or_404(PartnerOrganisation, pk=pk) if pk else PartnerOrganisation()
    return _edit(
        request,
        partner,
        PartnerOrganisationForm,
        heading=f"Edit {partner.name}" if pk else "Add a partner organisation",
        back_url=reverse("partner_list"),
        success_url="",
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(AgendaItem, heading="Edit the agenda item")
def agenda_item_edit(
    request: HttpRequest, meeting_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    """Add an item to a meeting's agenda, or edit one."""
    require_register_editor(request.user)
    if pk:
        item = get_object_or_404(AgendaItem.objects.select_related("meeting__committee"), pk=pk)
    else:
        meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=meeting_pk)
        item = AgendaItem(meeting=meeting)
    return _edit(
        request,
        item,
        AgendaItemForm,
        heading="Edit the agenda item" if pk else "Add an agenda item",
        back_url=item.meeting.get_absolute_url() + "#agenda",
        caption=str(item.meeting),
        success_url="",
    )
