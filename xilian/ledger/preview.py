"""A preview's cleaned rows and matches, kept as JSON in the LedgerImport row until the confirm (or until stale), so
the confirm writes exactly what the clerk saw without cleaning the file again. JSON holds data, never code: related
records are kept as primary keys and fetched again, in one query per relation, when the rows are read back."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from xilian.models import LedgerImport

STALE_AFTER = timedelta(days=1)


def preview_data(report):
    """What the LedgerImport keeps (its JSONField's PreviewEncoder writes records as keys, dates as text)."""
    return {"rows": report.rows, "matched": report.matched}


def _decoder(model_field):
    if isinstance(model_field, models.ManyToManyField):
        return "many", model_field.related_model
    if isinstance(model_field, models.ForeignKey):
        return "one", model_field.related_model
    if isinstance(model_field, models.DateTimeField):
        return "value", datetime.fromisoformat
    if isinstance(model_field, models.DateField):
        return "value", date.fromisoformat
    if isinstance(model_field, models.DecimalField):
        return "value", Decimal
    return None


def _related(model, rows, name, kind):
    pks = set()
    for values in rows:
        value = values.get(name)
        if value is not None:
            pks.update(value if kind == "many" else [value])
    return model._base_manager.in_bulk(pks)


def rows_from_preview(resource, data):
    """The preview's rows as the importer cleaned them (related records fetched again)."""
    rows = data["rows"]
    model = resource.model()
    names = set().union(*rows) if rows else set()
    for name in names:
        try:
            decoder = _decoder(model._meta.get_field(name))
        except Exception:  # an attribute that is not a model field (the row number): kept as it is
            continue
        if decoder is None:
            continue
        kind, target = decoder
        if kind == "value":
            for values in rows:
                if values.get(name) is not None:
                    values[name] = target(values[name])
            continue
        by_pk = _related(target, rows, name, kind)
        for values in rows:
            value = values.get(name)
            if value is not None:
                values[name] = [by_pk[pk] for pk in value] if kind == "many" else by_pk[value]
    return rows


def discard_stale_previews():
    """Previews nobody confirmed within a day keep their file and counts, not their rows."""
    LedgerImport.objects.filter(
        status=LedgerImport.Status.PREVIEWED, created_at__lt=timezone.now() - STALE_AFTER, preview__isnull=False
    ).update(preview=None)
