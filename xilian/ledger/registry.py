from django.conf import settings
from django.http import Http404
from django.utils.module_loading import import_string


def resource_class(kind):
    """The LedgerResource of a ledger kind (settings.LEDGER_RESOURCES); 404 for an unknown kind."""
    path = settings.LEDGER_RESOURCES.get(kind)
    if path is None:
        raise Http404("没有这种台账。")
    return import_string(path)


def ledger_kinds():
    return list(settings.LEDGER_RESOURCES)
