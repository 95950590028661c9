from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    Committee,
    Councillor,
    Meeting,
    Officer,
    PartnerOrganisation,
    Review,
    ReviewMember,
)


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "calendar_feed_url"]
    # The feed is fetched by the server: an address typed without a scheme is https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["date", "start_time", "committee", "location"]
    readonly_fields = ["calendar_uid"]
    list_filter = ["committee", "date"]
    list_select_related = ["committee"]
    search_fields = ["committee__name", "location"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "reference", "title"]
    list_select_related = ["meeting__committee"]
    search_fields = ["title", "reference"]


@admin.register(Officer)
class OfficerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "job_title", "department", "partner", "email", "user"]
    list_filter = ["partner"]
    search_fields = ["name", "job_title", "department", "email"]
    list_select_related = ["user", "partner"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Councillor)
class CouncillorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role"]
    search_fields = ["name", "role"]


class ReviewMemberInline(admin.TabularInline):
    model = ReviewMember
    extra = 0
    autocomplete_fields = ["councillor"]


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "review_type",
        "commissioning_committee",
        "status",
        "report_agreed_on",
        "report_received_on",
        "response_given_on",
    ]
    list_filter = ["status", "review_type", "commissioning_committee"]
    list_select_related = ["commissioning_committee"]
    search_fields = ["title", "scope", "objectives"]
    inlines = [ReviewMemberInline]
    autocomplete_fields = ["scrutiny_officer"]


@admin.register(ReviewMember)
class ReviewMemberAdmin(SimpleHistoryAdmin):
    list_display = ["review", "councillor", "role"]
    list_filter = ["role"]
    list_select_related = ["review", "councillor"]
    search_fields = ["review__title", "councillor__name"]
