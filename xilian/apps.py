from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class XilianConfig(AppConfig):
    default = True
    name = "xilian"
    verbose_name = "组织与权限"

    def ready(self):
        from xilian import audit  # noqa: F401  (connects the login/logout receivers)
        from xilian.db_triggers import register_sqlite_functions
        from xilian.ledger import jobs  # noqa: F401  (registers the import jobs)

        post_migrate.connect(_reinstall_audit_trigger, sender=self, dispatch_uid="xilian_audit_trigger")
        connection_created.connect(register_sqlite_functions, dispatch_uid="xilian_sqlite_functions")


def _reinstall_audit_trigger(sender, using, **kwargs):
    from django.db import connections

    from xilian.db_triggers import install_audit_trigger

    install_audit_trigger(connections[using])


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "xilian.admin_site.PortalAdminSite"
