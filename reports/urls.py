from django.urls import path

from reports import chart_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:year>/", views.report_preview, name="report_preview"),
    path("charts/<slug:key>.xlsx", chart_views.chart_table_xlsx, name="chart_xlsx"),
]
