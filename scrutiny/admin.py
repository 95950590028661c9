"""What the Django admin may do to the register: look, never quietly change.

The register's records are kept through the product's own pages, whose services check the
version, ask the reason and write the history. So the admin shows them read-only, with their
history, and never deletes one (a deletion would cascade to records whose history pages then
go) nor reverts one (a revert moves the version back and skips the services). Only the
council's reference data (the status key, the reference scheme), which has no page of its own,
is edited here: through the same services, with a reason and the version check.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from simple_history.admin import SimpleHistoryAdmin

from .audit import person_name
from .editing import RecordGone, StaleEdit
from .formats import british_date


class _NoHistoryRevert:
    """No revert: the history's "form view" only shows a past version; a POST is refused."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("The history is kept as it is: nothing is reverted here.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyInline(admin.TabularInline):
    """A related list shown on a record's admin page, read-only."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegisterAdmin(_NoHistoryRevert, SimpleHistoryAdmin):
    """A record of the register in the admin: read-only, with its history; no add, change,
    delete or revert (the product's pages keep the register)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReasonedAdminForm(forms.ModelForm):
    """The admin form of reference data: the reason (kept in the history) and the version the
    administrator saw, so an edit made meanwhile is refused rather than overwritten."""

    change_reason = forms.CharField(
        label="Reason for the change",
        max_length=500,
        help_text="Why the council changes this (kept in the history).",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version


class ReferenceDataAdmin(_NoHistoryRevert, SimpleHistoryAdmin):
    """Reference data edited in the admin, through ``save_record`` (the model's service): the
    reason asked, the version checked (a stale edit is refused showing the saved values beside
    the administrator's), never deleted."""

    form = ReasonedAdminForm

    def save_record(self, *, record, user, reason: str, version: int | None):
        raise NotImplementedError

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in ("change_reason",)]
        return [*fields, "change_reason", "seen_version"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        admin_ = self

        class Checked(form_class):
            # The write runs as the form is checked (inside the admin's transaction), so a
            # refusal becomes the form's error and the admin shows the form again.
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    admin_.save_record(
                        record=self.instance,
                        user=request.user,
                        reason=self.cleaned_data["change_reason"].strip(),
                        version=self.cleaned_data.get("seen_version") if self.instance.pk else None,
                    )
                except StaleEdit as stale:
                    self.add_error(None, _stale_message(self, stale.current))
                except RecordGone:
                    self.add_error(None, "This record was removed after you opened it.")
                except ValidationError as error:
                    self.add_error(None, error)
                except IntegrityError:
                    self.add_error(None, "This conflicts with another record: check the values.")
                else:
                    self.saved = True

        return Checked

    def save_model(self, request, obj, form, change):
        # Saved by the form's check above, through the service (with the reason and version).
        if not getattr(form, "saved", False):  # pragma: no cover - the form is always checked
            raise PermissionDenied

    def save_related(self, request, form, formsets, change):
        pass  # reference data has no many-to-many fields or inlines


def _stale_message(form, current) -> str:
    latest = current.history.select_related("history_user").first()
    who = person_name(latest.history_user) if latest is not None else "another user"
    when = british_date(current.updated_at)
    changed = []
    for name in form.changed_data:
        if name in ("change_reason", "seen_version") or not hasattr(current, name):
            continue
        changed.append(
            f"{form.fields[name].label or name}: yours {form.cleaned_data.get(name)!r},"
            f" saved {getattr(current, name)!r}"
        )
    return (
        f"Someone saved this since you opened it ({who}, {when}). Nothing was "
        "saved. "
        + ("; ".join(changed) + ". " if changed else "")
        + "Open it again to see the saved values, then make your change."
    )
