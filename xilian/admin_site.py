from django.contrib import admin

from xilian.roles import Perm


class PortalAdminSite(admin.AdminSite):
    """Only the 系统管理员 role may enter; business records and the audit log are never registered here."""

    site_header = site_title = "法治通 · 用户与组织管理"
    index_title = "系统管理"

    def has_permission(self, request):
        return request.user.is_active and request.user.can(Perm.MANAGE_ORGANISATION)
