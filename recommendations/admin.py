"""The register in the admin: recommendations, actions, revisions and updates read-only with
their history (``scrutiny.admin.RegisterAdmin``); the council's status key and reference
scheme, which have no page of their own, edited through their services with a reason and the
version check (``ReferenceDataAdmin``)."""

from django.contrib import admin

from scrutiny.admin import ReadOnlyInline, ReferenceDataAdmin, RegisterAdmin
from scrutiny.services import record_save

from .models import (
    ActionPlanItem,
    Recommendation,
    ReferenceScheme,
    StatusKeyEntry,
    TargetDateRevision,
    Update,
)
from .services import status_key_entry_save


class ActionPlanItemInline(ReadOnlyInline):
    model = ActionPlanItem
    fields = ["number", "action", "timeline", "target_date", "owner", "status"]


@admin.register(Recommendation)
class RecommendationAdmin(RegisterAdmin):
    list_display = ["reference", "review", "number", "responsible_body", "decision", "status"]
    list_filter = ["status", "decision", "responsible_body", "review__commissioning_committee"]
    list_select_related = ["review", "responsible_body"]
    search_fields = ["reference", "text", "response_text", "review__title"]
    inlines = [ActionPlanItemInline]


@admin.register(ActionPlanItem)
class ActionPlanItemAdmin(RegisterAdmin):
    list_display = ["recommendation", "number", "timeline", "target_date", "owner", "status"]
    list_filter = ["status", "owner"]
    list_select_related = ["recommendation__review", "owner"]
    search_fields = ["action", "timeline", "recommendation__reference"]


@admin.register(TargetDateRevision)
class TargetDateRevisionAdmin(RegisterAdmin):
    list_display = ["action", "previous_target_date", "new_target_date", "reason", "revised_by"]
    list_select_related = ["action__recommendation__review", "revised_by"]
    search_fields = ["reason"]


@admin.register(Update)
class UpdateAdmin(RegisterAdmin):
    list_display = ["recommendation", "action", "date", "reported_status", "reported_to", "author"]
    list_filter = ["reported_status", "reported_to"]
    list_select_related = ["recommendation__review", "action", "reported_to__committee", "author"]
    search_fields = ["text", "recommendation__reference"]
    date_hierarchy = "date"


@admin.register(ReferenceScheme)
class ReferenceSchemeAdmin(ReferenceDataAdmin):
    """The council's reference scheme: one row, changed by an administrator with a reason
    (references already given keep the scheme that gave them), never deleted (see
    ``models.references``)."""

    fields = ["kind", "prefix", "committee_code", "digits"]
    list_display = ["__str__", "prefix", "committee_code", "digits"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ReferenceScheme.objects.exists()

    def save_record(self, *, record, user, reason, version):
        record_save(record=record, user=user, reason=reason, version=version)


@admin.register(StatusKeyEntry)
class StatusKeyEntryAdmin(ReferenceDataAdmin):
    """The council's status key: an administrator sets each status's words, colour, meaning
    printed in the key, order and category. A status is retired (not offered), never deleted:
    records keep it."""

    list_display = ["label", "code", "category", "colour", "meaning", "order", "offered"]
    list_editable = []
    ordering = ["order", "code"]
    fields = [
        "code",
        "label",
        "category",
        "colour",
        "meaning",
        "order",
        "requires_reason",
        "offered",
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def save_record(self, *, record, user, reason, version):
        status_key_entry_save(entry=record, user=user, reason=reason, version=version)
