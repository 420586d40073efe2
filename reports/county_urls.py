from django.urls import path

from reports import archive_views

urlpatterns = [
    path("", archive_views.county_reports, name="county_reports"),
    path("<int:year>.zip", archive_views.county_reports_zip, name="county_reports_zip"),
]
