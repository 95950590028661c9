from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


class ActionPlanItemInline(admin.StackedInline):
    model = ActionPlanItem
    extra = 0
    fields = ["number", "action", "timeline", "target_date", "owner", "status"]
    show_change_link = True


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "review", "number", "responsible_body", "decision", "status"]
    list_filter = ["status", "decision", "responsible_body", "review__commissioning_committee"]
    list_select_related = ["review", "responsible_body"]
    search_fields = ["reference", "text", "response_text", "review__title"]
    readonly_fields = ["status"]
    inlines = [ActionPlanItemInline]


@admin.register(ActionPlanItem)
class ActionPlanItemAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "number", "timeline", "target_date", "owner", "status"]
    list_filter = ["status", "owner"]
    list_select_related = ["recommendation__review", "owner"]
    search_fields = ["action", "timeline", "recommendation__reference"]

    def get_readonly_fields(self, request, obj=None):
        # A target date, once set, changes only through a revision with a reason.
        if obj is not None and obj.target_date is not None:
            return ["target_date", "first_target_date", "target_revision_count"]
        return ["first_target_date", "target_revision_count"]


@admin.register(TargetDateRevision)
class TargetDateRevisionAdmin(SimpleHistoryAdmin):
    list_display = ["action", "previous_target_date", "new_target_date", "reason", "revised_by"]
    list_select_related = ["action__recommendation__review", "revised_by"]
    search_fields = ["reason"]


@admin.register(Update)
class UpdateAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "action", "date", "reported_status", "reported_to", "author"]
    list_filter = ["reported_status", "reported_to"]
    list_select_related = ["recommendation__review", "action", "reported_to__committee", "author"]
    search_fields = ["text", "recommendation__reference"]
    date_hierarchy = "date"


class ReferenceSchemeForm(forms.ModelForm):
    reason = forms.CharField(
        max_length=500,
        help_text="Why the council changes its scheme (kept in the history). References "
        "already given keep the scheme that gave them.",
    )

    class Meta:
        model = ReferenceScheme
        fields = ["kind", "prefix", "committee_code", "digits"]


@admin.register(ReferenceScheme)
class ReferenceSchemeAdmin(SimpleHistoryAdmin):
    """The council's reference scheme: one row, changed by an administrator with a reason,
    never deleted (see ``models.references``)."""

    form = ReferenceSchemeForm
    list_display = ["__str__", "prefix", "committee_code", "digits"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ReferenceScheme.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        record_save(record=obj, user=request.user, reason=form.cleaned_data["reason"].strip())


@admin.register(StatusKeyEntry)
class StatusKeyEntryAdmin(SimpleHistoryAdmin):
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

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        status_key_entry_save(entry=obj, user=request.user, reason="Changed in the status key")
