from django.urls import path

from disputes import views

app_name = "disputes"
urlpatterns = [
    path("cases/", views.dispute_list, name="dispute_list"),
    path("tickets/", views.ticket_list, name="ticket_list"),
]
