"""The Django admin is the 系统管理员's tool for users and the organisation tree, and nothing else: business
records and the audit log are not registered here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from xilian.audit import audit_record_change, record_snapshot
from xilian.models import AuditLog, County, Township, User, Village
from xilian.roles import Perm


class OrganisationAdminPermissions:
    """Access follows the portal role, not Django's per-model permissions; nothing is deleted here (a user
    leaves by being deactivated, so their audit trail stays intact)."""

    def _is_organisation_admin(self, request):
        return request.user.can(Perm.MANAGE_ORGANISATION)

    def has_module_permission(self, request):
        return self._is_organisation_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_organisation_admin(request)

    def has_add_permission(self, request, obj=None):
        return self._is_organisation_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_organisation_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(OrganisationAdminPermissions, admin.ModelAdmin):
    allow_delete = False  # a table of settings (e.g. calendar days) may allow it; the organisation tree never does

    def save_model(self, request, obj, form, change):
        before = record_snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record_change(request=request, instance=obj, before=before)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and self._is_organisation_admin(request)

    def delete_model(self, request, obj):
        audit_record_change(request=request, instance=obj, before=record_snapshot(obj), action=AuditLog.Action.DELETE)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(County)
class CountyAdmin(AuditedAdmin):
    list_display = ["name", "code", "full_name"]
    search_fields = ["name", "code"]


class VillageInline(OrganisationAdminPermissions, admin.TabularInline):
    model = Village
    extra = 0


@admin.register(Township)
class TownshipAdmin(AuditedAdmin):
    list_display = ["name", "code", "county"]
    list_filter = ["county"]
    search_fields = ["name", "code"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "township"]
    list_filter = ["township", "kind"]
    search_fields = ["name", "code"]


@admin.register(User)
class PortalUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "full_name", "role", "township", "county", "is_active", "last_login"]
    list_filter = ["role", "township", "county", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("身份", {"fields": ["full_name", "role", "township", "county", "is_active"]}),
        ("时间", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "full_name", "role", "township", "county", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
