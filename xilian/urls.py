from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path, register_converter

from xilian import views
from xilian.scoping import TownshipCodeConverter

register_converter(TownshipCodeConverter, "township")

township_patterns = [
    path("", views.township_home, name="township_home"),
    path("publicity/", include("publicity.urls")),
    path("disputes/", include("disputes.urls")),
    path("reports/", include("reports.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("county/", views.county_overview, name="county_overview"),
    path("audit/", views.audit_log, name="audit_log"),
    path("t/<township:township>/", include(township_patterns)),
    path("admin/", admin.site.urls),
]

