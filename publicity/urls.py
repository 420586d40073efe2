from django.urls import path

from publicity import views

app_name = "publicity"
urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("studies/", views.study_list, name="study_list"),
]
