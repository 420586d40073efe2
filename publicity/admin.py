from django.contrib import admin

from publicity.models import EventForm
from xilian.admin import AuditedAdmin


@admin.register(EventForm)
class EventFormAdmin(AuditedAdmin):
    """The dictionary of event forms (讲座, 横幅…) shared by every township; entries are renamed, never deleted
    (AuditedAdmin refuses deletes), since events refer to them."""

    list_display = ["name", "order"]
    list_editable = ["order"]
