import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

LAST_SEEN_KEY = "last_seen"


class IdleLogoutMiddleware:
    """Logs a user out after IDLE_LOGOUT_AFTER without a request (等保: 会话超时自动退出), and says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.IDLE_LOGOUT_AFTER.total_seconds():
                request.logout_reason = "长时间未操作，自动退出"
                logout(request)
                messages.warning(request, "您已超过30分钟未操作，系统已自动退出，请重新登录。")
                return redirect_to_login(request.get_full_path())
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """A signed-in user's pages, exports and attachments carry callers' names and the like: no browser cache or
    proxy may keep them (等保: 剩余信息保护). Static files never get here (WhiteNoise answers them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"  # for HTTP/1.0 proxies
        return response


# The portal uses none of these browser features; a page that tried (an injected script) is refused them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in ("accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
                                    "microphone", "payment", "usb")
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
