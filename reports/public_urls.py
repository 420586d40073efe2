from django.urls import path

from reports import public_views

app_name = "gongkai"
urlpatterns = [
    path("<str:county_code>/", public_views.public_reports, name="county"),
    path("<str:county_code>/<int:year>/", public_views.public_reports, name="year"),
    path("<str:county_code>/<int:year>/<str:township_code>/<int:revision>.pdf", public_views.public_pdf,
         name="pdf"),
]
