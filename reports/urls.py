from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_new, name="report_new"),
    path("<int:year>/", views.report_preview, name="report_preview"),
    path("<int:year>/edit/", views.report_edit, name="report_edit"),
    path("<int:year>/edit/details/", views.report_details, name="report_details"),
    path("<int:year>/sections/new/", views.section_new, name="section_new"),
    path("<int:year>/sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("<int:year>/sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("<int:year>/sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("<int:year>/report.pdf", views.report_pdf_file, name="report_pdf"),
    path("<int:year>/report.docx", views.report_docx_file, name="report_docx"),
    path("<int:year>/archives/<int:revision>/<slug:kind>/", views.archive_file, name="archive_file"),
    path("<int:year>/<slug:action>/", views.report_step, name="report_step"),
]
