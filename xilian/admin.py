"""The Django admin is the 系统管理员's tool for users and the organisation tree, and nothing else: business
records and the audit log are not registered here."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from xilian.audit import audit_record_change, audit_write, record_snapshot
from xilian.models import AuditLog, County, Township, User, Village
from xilian.roles import Perm


class OrganisationAdminPermissions:
    """Access follows the portal role, not Django's per-model permissions; nothing is deleted here (a user
    leaves by being deactivated, so their audit trail stays intact)."""

    def _is_organisation_admin(self, request):
        return request.user.is_authenticated and request.user.can(Perm.MANAGE_ORGANISATION)

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
    """Every write made through the admin leaves an audit row: the object, its inline rows, a deletion."""

    allow_delete = False  # a table of settings (e.g. calendar days) may allow it; the organisation tree never does

    def save_model(self, request, obj, form, change):
        before = record_snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        if not change or form.has_changed():  # saving a township for its villages only is no change of its own
            audit_record_change(request=request, instance=obj, before=before)

    def save_formset(self, request, form, formset, change):
        """Inline rows (a township's villages) are audited one by one, each with its own before/after."""
        stored = formset.model.objects.filter(pk__in=[f.instance.pk for f in formset.initial_forms if f.instance.pk])
        before = {obj.pk: record_snapshot(obj) for obj in stored}
        for deleted in formset.deleted_forms:
            if deleted.instance.pk in before:
                audit_record_change(request=request, instance=deleted.instance, before=before[deleted.instance.pk],
                                    action=AuditLog.Action.DELETE)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record_change(request=request, instance=obj)
        for obj, _fields in formset.changed_objects:
            audit_record_change(request=request, instance=obj, before=before[obj.pk])

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and self._is_organisation_admin(request)

    def delete_model(self, request, obj):
        audit_record_change(request=request, instance=obj, before=record_snapshot(obj), action=AuditLog.Action.DELETE)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# Access follows the portal role alone (User.can): Django's groups and permissions grant nothing here, so they
# are not offered.
admin.site.unregister(Group)


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

    def get_object(self, request, object_id, from_field=None):
        user = super().get_object(request, object_id, from_field)
        if user is not None:
            user.edited_by = request.user  # User.clean refuses a change of one's own role, township or status
        return user

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return [*readonly, *User.SELF_LOCKED_FIELDS]
        return readonly

    def user_change_password(self, request, id, form_url=""):
        """Audited when the password really changed: the stored hash is compared here, never logged."""
        user = self.get_object(request, unquote(id))
        old_hash = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST":
            user.refresh_from_db(fields=["password"])
            if user.password != old_hash:
                action = "修改密码" if user.has_usable_password() else "停用密码登录"
                audit_write(action=AuditLog.Action.UPDATE, request=request, instance=user, detail={"操作": action})
        return response
