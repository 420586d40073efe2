from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path, register_converter

from xilian import views
from xilian.ledger import views as ledger_views
from xilian.scoping import TownshipCodeConverter

register_converter(TownshipCodeConverter, "township")

township_patterns = [
    path("", views.township_home, name="township_home"),
    path("publicity/", include("publicity.urls")),
    path("disputes/", include("disputes.urls")),
    path("reports/", include("reports.urls")),
    path("ledgers/<slug:kind>/import/", ledger_views.import_upload, name="ledger_import"),
    path("ledgers/<slug:kind>/import/<int:pk>/", ledger_views.import_preview, name="ledger_import_preview"),
    path("ledgers/<slug:kind>/import/<int:pk>/confirm/", ledger_views.import_confirm, name="ledger_import_confirm"),
    path("ledgers/<slug:kind>/template/", ledger_views.template_download, name="ledger_template"),
    path("ledgers/<slug:kind>/export/", ledger_views.export, name="ledger_export"),
    path("ledgers/<slug:kind>/voided/", ledger_views.voided_list, name="ledger_voided"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("county/", views.county_overview, name="county_overview"),
    path("county/reports/", include("reports.county_urls")),
    path("gongkai/", include("reports.public_urls")),
    path("county/xlsx/", views.county_overview_xlsx, name="county_overview_xlsx"),
    path("audit/", views.audit_log, name="audit_log"),
    path("t/<township:township>/", include(township_patterns)),
    path("admin/", admin.site.urls),
]


handler500 = views.server_error
