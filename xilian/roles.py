"""Roles and the named permissions each one holds (三员分立: the admin manages users, the auditor reads the
log, neither reads business records)."""

from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "镇工作人员"
    LEADER = "leader", "镇领导"
    COUNTY = "county", "县依法治县办"
    AUDITOR = "auditor", "审计员"
    ADMIN = "admin", "系统管理员"


class Perm:
    VIEW_RECORDS = "view_records"
    EDIT_RECORDS = "edit_records"
    APPROVE_REPORT = "approve_report"
    DOWNLOAD_REPORT = "download_report"
    VIEW_COUNTY = "view_county"
    VIEW_AUDIT = "view_audit"
    MANAGE_ORGANISATION = "manage_organisation"


ROLE_PERMISSIONS = {
    Role.STAFF: {Perm.VIEW_RECORDS, Perm.EDIT_RECORDS, Perm.DOWNLOAD_REPORT},
    Role.LEADER: {Perm.VIEW_RECORDS, Perm.APPROVE_REPORT, Perm.DOWNLOAD_REPORT},
    Role.COUNTY: {Perm.VIEW_RECORDS, Perm.DOWNLOAD_REPORT, Perm.VIEW_COUNTY},
    Role.AUDITOR: {Perm.VIEW_AUDIT},
    Role.ADMIN: {Perm.MANAGE_ORGANISATION},
}

TOWNSHIP_ROLES = {Role.STAFF, Role.LEADER}
