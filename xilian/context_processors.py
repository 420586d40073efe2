from django.urls import reverse

from xilian.panels import township_navigation
from xilian.roles import Perm


def _item(label, url, icon, current_path, *, exact=False):
    active = current_path == url if exact else current_path.startswith(url)
    return {"label": label, "url": url, "icon": icon, "active": active}


def _township_items(request):
    """工作台 first, then the sections each record app declares (`navigation` on its AppConfig)."""
    home = reverse("township_home", kwargs={"township": request.township})
    items = [{"label": "工作台", "url": home, "icon": "speedometer2", "active": request.path == home}]
    for label, url, icon in township_navigation(request.township):
        items.append(_item(label, url, icon, request.path))
    return items


def _global_items(request):
    user = request.user
    items = []
    if user.can(Perm.VIEW_COUNTY):
        items.append(_item("全县概览", reverse("county_overview"), "map", request.path, exact=True))
        items.append(_item("年度报告报送", reverse("county_reports"), "file-earmark-check", request.path))
    if user.can(Perm.VIEW_AUDIT):
        items.append(_item("审计日志", reverse("audit_log"), "shield-check", request.path))
    if user.can(Perm.MANAGE_ORGANISATION):
        items.append(_item("用户与组织管理", reverse("admin:index"), "gear", request.path))
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    township = getattr(request, "township", None)
    return {
        "current_township": township,
        "township_member": township is not None and user.belongs_to(township),
        "township_navigation": _township_items(request) if township else [],
        "global_navigation": _global_items(request),
        "switchable_townships": list(user.visible_townships()) if user.can(Perm.VIEW_COUNTY) else [],
    }
