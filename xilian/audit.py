"""Writing the audit log. Record apps call `audit_record_change` from their services; logins are recorded by the
signal receivers at the bottom."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from xilian.models import AuditLog


def client_ip(request):
    """REMOTE_ADDR only: a proxy in front must set it (X-Forwarded-For is client-controlled)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def record_snapshot(instance):
    """The audited values of a record: concrete fields, minus the ones a model lists in `audit_exclude`
    (for example a phone number that must never reach the log)."""
    excluded = set(getattr(instance, "audit_exclude", ())) | {"updated_at", "version"}
    snapshot = {}
    for field in instance._meta.concrete_fields:
        if field.name in excluded:
            continue
        snapshot[field.name] = _plain(getattr(instance, field.attname))
    for field in instance._meta.many_to_many:
        if field.name not in excluded and instance.pk:
            snapshot[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return snapshot


def changed_fields(before, after):
    """{field: [before, after]} for every field whose value differs."""
    keys = set(before) | set(after)
    return {key: [before.get(key), after.get(key)] for key in sorted(keys) if before.get(key) != after.get(key)}


def audit_write(*, action, request=None, actor=None, username="", township=None, instance=None, changes=None,
                detail=None):
    actor = actor or (request.user if request is not None and request.user.is_authenticated else None)
    return AuditLog.objects.create(
        action=action,
        actor=actor,
        username=username or (actor.get_username() if actor else ""),
        township=township or getattr(instance, "township", None) or getattr(request, "township", None),
        content_type=ContentType.objects.get_for_model(instance) if instance is not None else None,
        object_id=str(instance.pk) if instance is not None else "",
        object_repr=str(instance)[:200] if instance is not None else "",
        changes=changes or {},
        detail=detail or {},
        ip_address=client_ip(request),
    )


def audit_record_change(*, request, instance, before=None, action=None, detail=None, actor=None, township=None):
    """Log a create (before is None), an update, a void or a delete of one record, with the fields that changed.
    `request` may be None (a command or a background job): then `actor` says who."""
    after = {} if action == AuditLog.Action.DELETE else record_snapshot(instance)
    if action is None:
        action = AuditLog.Action.CREATE if before is None else AuditLog.Action.UPDATE
    return audit_write(
        action=action, request=request, actor=actor, township=township, instance=instance,
        changes=changed_fields(before or {}, after), detail=detail,
    )


@receiver(user_logged_in)
def _log_login(sender, request, user, **kwargs):
    audit_write(action=AuditLog.Action.LOGIN, request=request, actor=user, township=user.township)


@receiver(user_logged_out)
def _log_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "logout_reason", "")
    audit_write(action=AuditLog.Action.LOGOUT, request=request, actor=user, township=user.township,
                detail={"原因": reason} if reason else None)


@receiver(user_login_failed)
def _log_login_failed(sender, credentials, request=None, **kwargs):
    audit_write(action=AuditLog.Action.LOGIN_FAILED, request=request, username=credentials.get("username", "")[:150])
