from django.urls import path

from publicity import views

app_name = "publicity"
urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/void/", views.event_void, name="event_void"),
    path("studies/", views.study_list, name="study_list"),
    path("studies/new/", views.study_create, name="study_create"),
    path("studies/<int:pk>/", views.study_detail, name="study_detail"),
    path("studies/<int:pk>/edit/", views.study_edit, name="study_edit"),
    path("studies/<int:pk>/void/", views.study_void, name="study_void"),
    path("lawyers/", views.lawyer_list, name="lawyer_list"),
    path("lawyers/new/", views.lawyer_create, name="lawyer_create"),
    path("lawyers/<int:pk>/edit/", views.lawyer_edit, name="lawyer_edit"),
    path("lawyers/<int:pk>/void/", views.lawyer_void, name="lawyer_void"),
    path("laws/", views.law_list, name="law_list"),
    path("laws/new/", views.law_create, name="law_create"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
]
