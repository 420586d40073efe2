from django.urls import path, re_path

from disputes import views
from disputes.forms import TICKET_ACTION_FORMS

app_name = "disputes"
urlpatterns = [
    path("cases/", views.dispute_list, name="dispute_list"),
    path("cases/new/", views.dispute_create, name="dispute_create"),
    path("cases/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("cases/<int:pk>/edit/", views.dispute_edit, name="dispute_edit"),
    path("cases/<int:pk>/state/", views.dispute_state, name="dispute_state"),
    path("cases/<int:pk>/correct/", views.dispute_correct, name="dispute_correct"),
    path("cases/<int:pk>/void/", views.dispute_void, name="dispute_void"),
    path("cases/<int:pk>/notes/new/", views.dispute_note, name="dispute_note"),
    path("cases/<int:pk>/supervise/", views.dispute_supervise, name="dispute_supervise"),
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/overdue/", views.ticket_overdue, name="ticket_overdue"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/edit/", views.ticket_edit, name="ticket_edit"),
    re_path(rf"^tickets/(?P<pk>\d+)/(?P<action>{'|'.join(TICKET_ACTION_FORMS)})/$", views.ticket_action,
            name="ticket_action"),
    path("tickets/<int:pk>/correct/", views.ticket_correct_time, name="ticket_correct_time"),
    path("tickets/<int:pk>/void/", views.ticket_void, name="ticket_void"),
    path("tickets/<int:pk>/notes/new/", views.ticket_note, name="ticket_note"),
    path("tickets/<int:pk>/supervise/", views.ticket_supervise, name="ticket_supervise"),
]
