"""A preview's cleaned rows and matches, kept as JSON in the LedgerImport row until the confirm (or until stale), so
the confirm writes exactly what the clerk saw without cleaning the file again. JSON holds data, never code: related
records are kept as primary keys and fetched again, in one query per relation, when the rows are read back.

The rows are kept as JSON lines, compressed, in base64: a county's year of 200,000 rows is some 10 MB of text that
is written and read a row at a time, where one JSON document of them took 100 MB and seconds to store and parse."""

import base64
import itertools
import json
import zlib
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from xilian.models import LedgerImport, PreviewEncoder

STALE_AFTER = timedelta(days=1)
CHUNK = 1024 * 1024
BATCH_ROWS = 5000  # rows decoded (and their related records fetched) at a time
KEEPER = PreviewEncoder()
PRIMITIVE = frozenset({str, int, bool, float, type(None)})  # what the JSON encoder writes as it is


def preview_data(report):
    """What the LedgerImport keeps: the rows (PreviewEncoder writes records as keys, dates as text) and the
    versions of the records they matched ([pk, version] or None, a row's at its index)."""
    return report.preview()


def rows_from_preview(resource, data):
    """The preview's rows as the importer cleaned them (related records fetched again), read as they are used."""
    return KeptRows(resource, data)


def _kept_value(value):
    """A cleaned value as JSON can hold it — a record as its key, a date or datetime as its isoformat() (read back
    by fromisoformat) — made here so that the C encoder writes the rows without calling back into Python."""
    kind = type(value)
    if kind in PRIMITIVE:
        return value
    if kind is datetime or kind is date:
        return value.isoformat()
    if kind is Decimal:
        return str(value)
    if kind is list:
        return [_kept_value(item) for item in value]
    if isinstance(value, (str, int, float)):  # a choice (TextChoices member) is its text
        return value
    return KEEPER.default(value)  # a record as its key; any other type as DjangoJSONEncoder writes it


class RowsKept:
    """Rows encoded as a preview keeps them, added a batch at a time."""

    def __init__(self):
        self._encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self._compressor = zlib.compressobj(1)
        self._parts = []

    def add(self, rows):
        compress, encode, plain = self._compressor.compress, self._encode, PRIMITIVE
        self._parts += [
            compress(encode({k: v if type(v) in plain else _kept_value(v) for k, v in row.items()}).encode() + b"\n")
            for row in rows
        ]

    def text(self):
        return base64.b64encode(b"".join([*self._parts, self._compressor.flush()])).decode("ascii")


def kept_rows(data):
    """The rows as the preview kept them (records as keys, dates as text), one at a time."""
    compressed = base64.b64decode(data["rows"])
    decompressor = zlib.decompressobj()
    tail = b""
    for start in range(0, len(compressed), CHUNK):
        tail += decompressor.decompress(compressed[start:start + CHUNK])
        *lines, tail = tail.split(b"\n")
        yield from map(json.loads, lines)


class KeptRows:
    """A preview's rows, decoded BATCH_ROWS at a time when iterated; as many as its matches."""

    def __init__(self, resource, data):
        self.model = resource.model()
        self.data = data

    def __len__(self):
        return len(self.data["matched"])

    def __iter__(self):
        rows = kept_rows(self.data)
        while batch := list(itertools.islice(rows, BATCH_ROWS)):
            _decode(self.model, batch)
            yield from batch


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


def _decode(model, rows):
    """Turn the kept values of `rows` back into the cleaned ones, in place: one query per relation."""
    names = set().union(*rows)
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


def discard_stale_previews():
    """Previews nobody confirmed within a day keep their file and counts, not their rows."""
    LedgerImport.objects.filter(
        status=LedgerImport.Status.PREVIEWED, created_at__lt=timezone.now() - STALE_AFTER, preview__isnull=False
    ).update(preview=None)
