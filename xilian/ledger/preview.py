"""A preview's cleaned rows and matches, kept as JSON in the LedgerImport row until the confirm (or until stale), so
the confirm writes exactly what the clerk saw without cleaning the file again. JSON holds data, never code: related
records are kept as primary keys and fetched again, in one query per relation, when the rows are read back.

The rows are kept as JSON lines, compressed, in base64: a county's year of 200,000 rows is some 10 MB of text that
is written and read a row at a time, where one JSON document of them took 100 MB and seconds to store and parse."""

import base64
import json
import zlib
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from xilian.models import LedgerImport, PreviewEncoder

STALE_AFTER = timedelta(days=1)
CHUNK = 1024 * 1024


def preview_data(report):
    """What the LedgerImport keeps: the rows (PreviewEncoder writes records as keys, dates as text) and the
    versions of the records they matched ([pk, version] or None, a row's at its index)."""
    encode = PreviewEncoder(ensure_ascii=False, separators=(",", ":")).encode
    compressor = zlib.compressobj(1)
    compressed = [compressor.compress(encode(values).encode() + b"\n") for values in report.rows]
    compressed.append(compressor.flush())
    return {"rows": base64.b64encode(b"".join(compressed)).decode("ascii"), "matched": report.matched}


def kept_rows(data):
    """The rows as the preview kept them (records as keys, dates as text), one at a time."""
    compressed = base64.b64decode(data["rows"])
    decompressor = zlib.decompressobj()
    tail = b""
    for start in range(0, len(compressed), CHUNK):
        tail += decompressor.decompress(compressed[start:start + CHUNK])
        *lines, tail = tail.split(b"\n")
        yield from map(json.loads, lines)


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
    rows = list(kept_rows(data))
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
