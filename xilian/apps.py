from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class XilianConfig(AppConfig):
    default = True
    name = "xilian"
    verbose_name = "组织与权限"

    def ready(self):
        from xilian import audit  # noqa: F401  (connects the login/logout receivers)


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "xilian.admin_site.PortalAdminSite"
