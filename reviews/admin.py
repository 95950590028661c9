"""The register's committees, meetings, people and reviews in the admin: read-only, with their
history (``scrutiny.admin.RegisterAdmin``); the product's pages keep them."""

from django.contrib import admin

from scrutiny.admin import ReadOnlyInline, RegisterAdmin

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
class CommitteeAdmin(RegisterAdmin):
    list_display = ["name", "short_name", "kind", "calendar_feed_url"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(RegisterAdmin):
    list_display = ["date", "start_time", "committee", "location"]
    readonly_fields = ["calendar_uid"]
    list_filter = ["committee", "date"]
    list_select_related = ["committee"]
    search_fields = ["committee__name", "location"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(RegisterAdmin):
    list_display = ["meeting", "reference", "title"]
    list_select_related = ["meeting__committee"]
    search_fields = ["title", "reference"]


@admin.register(Officer)
class OfficerAdmin(RegisterAdmin):
    list_display = ["name", "job_title", "department", "partner", "email", "user"]
    list_filter = ["partner"]
    search_fields = ["name", "job_title", "department", "email"]
    list_select_related = ["user", "partner"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(RegisterAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Councillor)
class CouncillorAdmin(RegisterAdmin):
    list_display = ["name", "role"]
    search_fields = ["name", "role"]


class ReviewMemberInline(ReadOnlyInline):
    model = ReviewMember
    extra = 0
    autocomplete_fields = ["councillor"]


@admin.register(Review)
class ReviewAdmin(RegisterAdmin):
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
class ReviewMemberAdmin(RegisterAdmin):
    list_display = ["review", "councillor", "role"]
    list_filter = ["role"]
    list_select_related = ["review", "councillor"]
    search_fields = ["review__title", "councillor__name"]
