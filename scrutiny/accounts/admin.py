"""Accounts in the admin: deactivated, never deleted; every change to the roles, the switches
and the password an account event with its reason (``services``); the roles themselves fixed;
the account events read-only; authenticator apps listed, and removed (a lost phone) only
through the service, as an event."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from scrutiny.admin import RegisterAdmin

from . import services
from .models import AccountEvent


class AccountChangeForm(DjangoUserAdmin.form):
    change_reason = forms.CharField(
        label="Reason for the change",
        max_length=500,
        help_text="Kept with each change to the account (its roles, whether it is active, its "
        "administrator rights).",
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen"].initial = services.fingerprint(self.instance)
        if "is_active" in self.fields:
            self.fields["is_active"].help_text = (
                "Untick to deactivate the account: it can no longer sign in, and keeps its name "
                "on every record and history row. Accounts are never deleted."
            )

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen")
        if self.instance.pk and seen:
            current = User.objects.get(pk=self.instance.pk)
            if services.fingerprint(current) != seen:
                roles = ", ".join(current.groups.values_list("name", flat=True)) or "none"
                raise forms.ValidationError(
                    "Someone changed this account since you opened it. Nothing was saved. "
                    f"Saved now: active {current.is_active}, superuser {current.is_superuser}, "
                    f"admin site access {current.is_staff}, roles: {roles}. Open it again to "
                    "make your change."
                )
        return cleaned


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(DjangoUserAdmin):
    form = AccountChangeForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Roles and rights", {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
        ("Why", {"fields": ("change_reason", "seen")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "groups"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            services.account_create(
                user=obj, by=request.user, reason="Account created in the admin"
            )
        # A change is saved with its roles, below, in one service call.

    def save_related(self, request, form, formsets, change):
        if not change:
            return  # the add form has no roles: they are given on the next page
        services.account_save(
            user=form.instance,
            by=request.user,
            reason=form.cleaned_data["change_reason"],
            roles=form.cleaned_data.get("groups", []),
            seen=form.cleaned_data.get("seen") or None,
        )


@admin.register(Group)
class RoleAdmin(DjangoGroupAdmin):
    """The product's roles are fixed (``scrutiny.roles``): shown, not added, changed or
    deleted (deleting one would take it from every account with no event)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(RegisterAdmin):
    list_display = ["at", "account", "kind", "role", "by", "reason"]
    list_filter = ["kind"]
    list_select_related = ["account", "by"]
    search_fields = ["account__username", "account__last_name", "reason"]
    date_hierarchy = "at"


admin.site.unregister(TOTPDevice)

ADMIN_REMOVAL_REASON = "Removed in the admin (a lost authenticator app)"


@admin.register(TOTPDevice)
class AuthenticatorAdmin(TOTPDeviceAdmin):
    """Administrators' authenticator apps: listed, never added or changed here (each person
    sets up their own after signing in), and removed only through
    ``services.account_authenticator_remove``, an account event (``manage.py
    remove_authenticator`` does the same with the reason typed). Their secrets are never shown
    (``OTP_ADMIN_HIDE_SENSITIVE_DATA``)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.account_authenticator_remove(
            user=obj.user, by=request.user, reason=ADMIN_REMOVAL_REASON
        )

    def delete_queryset(self, request, queryset):
        for user in {device.user for device in queryset.select_related("user")}:
            services.account_authenticator_remove(
                user=user, by=request.user, reason=ADMIN_REMOVAL_REASON
            )
