"""Writing the audit log. Record apps call `audit_record_change` from their services; logins are recorded by the
signal receivers at the bottom."""

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from xilian.models import AuditLog

PERSONAL_HIDDEN = "（个人信息，已隐藏）"
SYSTEM_USERNAME = "系统初始化"  # the actor of rows the system seeds (default lists), which no user entered


_job_client_ip = ContextVar("job_client_ip", default=None)


@contextmanager
def requested_from(ip_address):
    """Inside a background job: the audit rows it writes carry the address of the request that started it."""
    token = _job_client_ip.set(ip_address)
    try:
        yield
    finally:
        _job_client_ip.reset(token)


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request):
    """The client's address, for the audit log and the login lock-out (django-axes calls this too): REMOTE_ADDR,
    unless the request came from one of TRUSTED_PROXIES; then the nearest address in X-Forwarded-For that is not a
    trusted proxy itself. The header's other entries are whatever the client sent, so they are never believed.
    With no request (a background job): the address of the request that started the job."""
    if request is None:
        return _job_client_ip.get()
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed(forwarded):
        if not _is_trusted_proxy(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a proxy wrote something that is not an address: keep the one we know
    return remote


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def record_snapshot(instance):
    """The audited values of a record: concrete fields, minus the ones a model lists in `audit_exclude` (never
    logged at all, e.g. a password hash). Personal fields are still here, so that `changed_fields` sees them
    change; it never copies their values into the log."""
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


def _personal_change(old, new):
    """Whether each side of a personal field was filled, never what it held ([None, None]: empty on both sides)."""
    return [None if value in (None, "") else PERSONAL_HIDDEN for value in (old, new)]


def changed_fields(before, after, *, model):
    """{field: [before, after]} for every field whose value differs. For a field the model lists in
    `personal_fields` (names, phones, free-text complaints) the log shows that it changed, never its values: the
    auditor reads every township, which the county office itself does not."""
    personal = set(getattr(model, "personal_fields", ()))
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        change = _personal_change(old, new) if key in personal else [old, new]
        if change != [None, None]:
            changes[key] = change
    return changes


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
    changes = changed_fields(before or {}, after, model=type(instance))
    return audit_write(
        action=action, request=request, actor=actor, township=township, instance=instance, changes=changes,
        detail=detail,
    )


def _seed_row(record, content_type, describe):
    return {
        "action": AuditLog.Action.CREATE,
        "username": SYSTEM_USERNAME,
        "township_id": getattr(record, "township_id", None),
        "content_type": content_type,
        "object_id": str(record.pk),
        "object_repr": describe(record)[:200],
        "changes": changed_fields({}, record_snapshot(record), model=type(record)),
    }


def audit_seeded(records, *, using="default"):
    """A CREATE row for each record the system seeds (event forms after a migrate, a new county's dispute
    categories, a new township's laws), written in one insert."""
    records = list(records)
    if records:
        content_type = ContentType.objects.db_manager(using).get_for_model(records[0])
        AuditLog.objects.using(using).bulk_create(AuditLog(**_seed_row(r, content_type, str)) for r in records)


def audit_seeded_in_migration(apps, schema_editor, records, *, describe):
    """The same from a data migration, through its historical models (which have no __str__ of their own, hence
    `describe`)."""
    records = list(records)
    if not records:
        return
    using = schema_editor.connection.alias
    opts = records[0]._meta
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.using(using).get_or_create(
        app_label=opts.app_label, model=opts.model_name
    )
    log = apps.get_model("xilian", "AuditLog")
    log.objects.using(using).bulk_create(log(**_seed_row(r, content_type, describe)) for r in records)


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
