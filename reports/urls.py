from django.urls import path

from reports import archive_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:year>/", views.report_preview, name="report_preview"),
    path("<int:year>/archives/", archive_views.township_archives, name="archive_list"),
    path("<int:year>/archives/<int:revision>.pdf", archive_views.archive_pdf, name="archive_pdf"),
    path("<int:year>/archives/<int:revision>.pdfa.pdf", archive_views.archive_pdfa, name="archive_pdfa"),
    path("<int:year>/archives/<int:revision>/publish/", archive_views.archive_publish, name="archive_publish"),
]
