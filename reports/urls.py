from django.urls import path

from reports import archive_views, chart_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_new, name="report_new"),
    path("<int:year>/", views.report_preview, name="report_preview"),
    path("<int:year>/archives/", archive_views.township_archives, name="archive_list"),
    path("<int:year>/archives/<int:revision>.pdf", archive_views.archive_pdf, name="archive_pdf"),
    path("<int:year>/archives/<int:revision>.pdfa.pdf", archive_views.archive_pdfa, name="archive_pdfa"),
    path("<int:year>/archives/<int:revision>/publish/", archive_views.archive_publish, name="archive_publish"),
    path("<int:year>/edit/", views.report_edit, name="report_edit"),
    path("<int:year>/edit/details/", views.report_details, name="report_details"),
    path("<int:year>/live-preview/", views.report_live_preview, name="report_live_preview"),
    path("<int:year>/sections/new/", views.section_new, name="section_new"),
    path("<int:year>/sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("<int:year>/sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("<int:year>/sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("<int:year>/report.pdf", views.report_pdf_file, name="report_pdf"),
    path("<int:year>/report.docx", views.report_docx_file, name="report_docx"),
    path("<int:year>/<slug:action>/", views.report_step, name="report_step"),
    path("charts/<slug:key>.xlsx", chart_views.chart_table_xlsx, name="chart_xlsx"),
]
