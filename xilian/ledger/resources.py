"""The one importer and exporter of every ledger.

Each record type declares a `LedgerResource` (a django-import-export Resource: its Fields name the columns, its
widgets clean the cells) with its natural key. django-import-export's own import saves row by row, does not roll
back validation errors unless told to, and detects no encodings; so `LedgerResource.import_ledger` replaces that
one step — reading (reading.py), cleaning every cell through the declared widgets, naming every bad row, matching
natural keys with one query, and an all-or-nothing bulk write — while exports use the library's `export()`.
"""

import functools
import itertools
import operator
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from import_export import resources

from xilian.ledger.bulk import insert_rows
from xilian.ledger.preview import KeptRows, RowsKept
from xilian.ledger.reading import FileRefused, read_sheet
from xilian.ledger.widgets import MaskedPhoneWidget, VillageWidget, plain_text
from xilian.records import state_reachable

TOTAL_ROW_LABELS = ("合计", "总计", "小计")
EXAMPLE_ROW_MARK = "示例"  # the import template's example row starts with "示例：", and never imports
ROW_NUMBER = "_row"  # where a cleaned row keeps its row number in the file
# Fields an import never sets: they are the portal's own bookkeeping, not the record's rules.
RECORD_BOOKKEEPING = ["township", "created_by", "voided_by", "voided_at", "void_reason", "version"]
HEADER_SEARCH_ROWS = 20
BATCH_SIZE = 2000
BATCH_ROWS = 5000  # rows checked, kept or written at a time
# What `progress(stage, done, total)` hears: each stage's start, then about every PROGRESS_EVERY rows.
STAGE_READ, STAGE_CHECK, STAGE_WRITE = "读取文件", "检查", "写入"
PROGRESS_EVERY = 5000


def _no_progress(stage, done, total):
    pass


def _batches(rows, size):
    rows = iter(rows)
    while batch := list(itertools.islice(rows, size)):
        yield batch


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __str__(self):
        shown = f"{self.value} " if self.value else ""
        return f"第{self.row}行「{self.column}」：{shown}{self.message}"


@dataclass
class PlannedRow:
    values: dict
    instance: object  # the matched record; None for a record to create
    changes: dict | None
    before: dict | None
    previous_state: str | None


@dataclass
class ImportReport:
    total_rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    created_ids: list = field(default_factory=list)
    updated_ids: list = field(default_factory=list)
    committed: bool = False
    kept: str = field(default="", repr=False)  # a clean preview's rows, as preview.RowsKept encodes them
    matched: list = field(default_factory=list, repr=False)  # [pk, version] of each row's record, or None

    def preview(self):
        """What a LedgerImport keeps of a clean preview until its confirm."""
        return {"rows": self.kept, "matched": self.matched}

    @property
    def is_clean(self):
        return not self.errors

    def as_dict(self):
        return {
            "total_rows": self.total_rows,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }


def normalise_header(text):
    """Headers with full-width brackets or stray spaces match: 所属村 (社区) == 所属村（社区）."""
    return plain_text(text).replace(" ", "").replace("(", "（").replace(")", "）")


def _is_empty(cell):
    return cell is None or cell == "" or (type(cell) is str and not cell.strip())


def _is_skipped(cells):
    """A blank row, a total row (合计…) or the import template's example row: no record."""
    first = cells[0] if cells else None
    if first is None or type(first) is str and not first.strip():
        first = next((c for c in cells if not _is_empty(c)), None)
    if first is None:
        return True
    return type(first) is str and plain_text(first).replace(" ", "").startswith((*TOTAL_ROW_LABELS, EXAMPLE_ROW_MARK))


class LedgerResource(resources.Resource):
    """Subclasses set: `kind` (URL/CLI name), `title`, `Meta.model`, declared Fields (attribute + column_name +
    widget), `key` (the natural key attributes), optionally `header_aliases` {column_name: (other headers…)}, and
    override `check_row` (cross-column rules and derived values) and `filter_queryset` (export as listed)."""

    kind = ""
    title = ""
    key = ()
    header_aliases = {}
    example_row = {}
    suggested_values = {}  # {column_name: [values]}: the import template's drop-down, other text still accepted
    private_columns = ()  # exported only to the township's own people
    new_record_defaults = {}  # {attribute: value} for a new record whose cell is empty; a matched record keeps its own

    def __init__(self, township=None, *, private=True):
        super().__init__()
        self.township = township
        self.private = private  # False for a reader outside the township: private columns stay out
        if township is not None:
            for resource_field in self.get_import_fields():
                if isinstance(resource_field.widget, VillageWidget):
                    resource_field.widget.bind(township)

    # hooks -------------------------------------------------------------------------------------------------
    def check_row(self, values):
        """Cross-column rules on one cleaned row: return [(column_name, shown_value, message)], and add derived
        values (e.g. a deadline) to `values`."""
        return []

    def filter_queryset(self, queryset, params):
        """The export 'exactly as filtered': apply the list page's filters from its query parameters."""
        return queryset

    def totals(self, queryset):
        """{column_name: total} for the export's 合计 row; empty when a total makes no sense."""
        return {}

    def model_values(self, values):
        """Model field values from the cleaned row (attributes that are not model fields are dropped)."""
        names = self._model_field_names()
        return {k: v for k, v in values.items() if k in names}

    def m2m_values(self, values):
        names = self._m2m_names()
        return {k: v for k, v in values.items() if k in names} if names else {}

    def describe(self, values):
        """How a record created by an import is named in the audit log (without building the model instance)."""
        return " ".join(str(values[k]) for k in self.key)

    def detail_url(self, record):
        return ""

    # reading -----------------------------------------------------------------------------------------------
    @classmethod
    def model(cls):
        return cls._meta.model

    @classmethod
    @functools.cache
    def _model_field_names(cls):
        fields = cls.model()._meta.concrete_fields
        return frozenset(f.name for f in fields) | frozenset(f.attname for f in fields)

    @classmethod
    @functools.cache
    def _m2m_names(cls):
        return frozenset(f.name for f in cls.model()._meta.many_to_many)

    def columns(self):
        """The columns an import reads: a readonly Field is an export-only column."""
        return [f for f in self.get_import_fields() if f.attribute and not f.readonly]

    def required_columns(self):
        return [f.column_name for f in self.columns() if getattr(f.widget, "required", False)]

    def _accepted_headers(self):
        accepted = {}
        for resource_field in self.columns():
            for header in (resource_field.column_name, *self.header_aliases.get(resource_field.column_name, ())):
                accepted[normalise_header(header)] = resource_field
        return accepted

    def locate_header(self, top):
        """The header among the first rows, [(row number, cells)] (a title row above it is common): its index in
        `top` and {field: column index}."""
        accepted = self._accepted_headers()
        best_row, best = None, {}
        for index, (_row_number, cells) in enumerate(top):
            found = {}
            for position, cell in enumerate(cells):
                resource_field = accepted.get(normalise_header(cell))
                if resource_field is not None and resource_field not in found:
                    found[resource_field] = position
            if len(found) > len(best):
                best_row, best = index, found
        missing = [name for name in self.required_columns() if name not in {f.column_name for f in best}]
        if best_row is None or len(best) < 2:
            expected = "「" + "」「".join(f.column_name for f in self.columns()[:4]) + "」"
            raise FileRefused(f"找不到{self.title}台账的表头（应包含{expected}等列）。请使用“下载导入模板”中的格式。")
        if missing:
            raise FileRefused(f"第{top[best_row][0]}行的表头缺少必需的列：" + "、".join(missing) + "。")
        return best_row, best

    def clean_rows(self, sheet, report, progress=_no_progress):
        """The good rows below the sheet's header, cleaned (dicts of attribute → value, with their row number), one
        at a time as they are read; every bad cell becomes a RowError in `report`."""
        numbered = sheet.numbered()
        top = list(itertools.islice(numbered, HEADER_SEARCH_ROWS))
        header_index, positions = self.locate_header(top)
        cleaners = [(f.attribute, f.widget.clean, position, f) for f, position in positions.items()]
        width = max(positions.values()) + 1
        key_column = next(f.column_name for f in self.columns() if f.attribute == self.key[0])
        seen_keys = {}  # a county's 200,000 keys, kept to the end of the file: a one-column key as itself, no tuple
        key_of = operator.itemgetter(*self.key)
        for row_number, cells in itertools.chain(top[header_index + 1:], numbered):
            if not row_number % PROGRESS_EVERY:
                progress(STAGE_CHECK, row_number, sheet.height)
            if _is_skipped(cells):
                continue
            if len(cells) < width:
                cells = [*cells, *[None] * (width - len(cells))]
            report.total_rows += 1
            values, errors = {}, []
            for attribute, clean, position, resource_field in cleaners:
                try:
                    values[attribute] = clean(cells[position])
                except ValueError as problem:
                    shown = self._shown(resource_field, cells[position])
                    errors.append(RowError(row_number, resource_field.column_name, shown, str(problem)))
            if not errors:
                errors = [RowError(row_number, *problem) for problem in self.check_row(values)]
            if not errors:
                row_key = key_of(values)
                if row_key in seen_keys:
                    shown = plain_text(values[self.key[0]])
                    errors.append(RowError(row_number, key_column, shown, f"与第{seen_keys[row_key]}行重复"))
                else:
                    seen_keys[row_key] = row_number
            if errors:
                report.errors += errors
            else:
                values[ROW_NUMBER] = row_number
                yield values

    @staticmethod
    def _shown(resource_field, raw):
        if isinstance(resource_field.widget, MaskedPhoneWidget):
            return "（号码已隐藏）"
        return plain_text(raw)[:60]

    # matching, the record's own rules, and writing -------------------------------------------------------
    def row_key(self, values):
        return tuple(values.get(k) for k in self.key)

    def _existing(self, rows, *, lock=False):
        """{natural key: record} for the rows' keys: the active record, or a voided one when no active one has it."""
        first = self.key[0]
        queryset = self.model().objects.filter(township=self.township).filter(
            self._one_of(first, list({r[first] for r in rows}))
        )
        if lock:
            queryset = queryset.select_for_update()
        m2m = self._m2m_names() & set(rows[0]) if rows else set()
        found = {}
        for record in queryset.prefetch_related(*m2m):
            key = tuple(getattr(record, k) for k in self.key)
            if key not in found or found[key].is_voided:
                found[key] = record
        return found

    def _one_of(self, name, values):
        """`name` is one of `values`. On PostgreSQL one array parameter: a county's 200,000 keys as `__in` take
        Django seconds to compile into as many parameters."""
        if connection.vendor != "postgresql":
            return Q(**{f"{name}__in": values})
        quote = connection.ops.quote_name
        column = f"{quote(self.model()._meta.db_table)}.{quote(self.model()._meta.get_field(name).column)}"
        return RawSQL(f"{column} = ANY(%s)", [values], output_field=BooleanField())

    def _changes(self, instance, values):
        changed = {}
        for name, value in self.model_values(values).items():
            current = getattr(instance, name)
            if current != value:
                changed[name] = value
        for name, objects in self.m2m_values(values).items():
            if {o.pk for o in getattr(instance, name).all()} != {o.pk for o in objects}:
                changed[name] = objects
        return changed

    def _column_of(self, name):
        for resource_field in self.columns():
            if resource_field.attribute == name:
                return resource_field.column_name
        if name in self._model_field_names():
            return str(self.model()._meta.get_field(name).verbose_name)
        return next(f.column_name for f in self.columns() if f.attribute == self.key[0])

    @staticmethod
    def _display(value):
        if value is None:
            return ""
        if hasattr(value, "isoformat"):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else str(value)
        return plain_text(value)[:60]

    def _record_problems(self, record, values, previous_state):
        """The record's own rules — its fields' validators and its model's clean(), which the form runs too
        (full_clean), and the state transitions the pages allow — as [(column, shown value, message)]."""
        problems = []
        state = getattr(record, "state", None)
        if previous_state is not None and state != previous_state and not state_reachable(
            type(record), previous_state, state
        ):
            labels = dict(type(record).State.choices)
            problems.append((
                self._column_of("state"), labels.get(state, state),
                f"不能从“{labels.get(previous_state)}”改为“{labels.get(state)}”：状态只能按办理流程向前变更",
            ))
        invalid = self._field_errors(record)
        try:
            record.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                invalid.setdefault(name, messages)
        for name, messages in invalid.items():
            shown = self._display(values.get(name, getattr(record, name, None)))
            problems += [(self._column_of(name), shown, message.rstrip("。")) for message in messages]
        return problems

    def _field_errors(self, record):
        """{field: messages} of Model.clean_fields for the record, from the values `_check_columns` found invalid:
        a field's validators see its value alone, so each distinct value of a column is checked once per file."""
        errors = {}
        for model_field, bad_values in self._bad_values.items():
            try:
                messages = bad_values.get(record.__dict__[model_field.attname])
            except TypeError:  # an unhashable value
                messages = None
            if messages:
                errors[model_field.name] = messages
        return errors

    def _check_columns(self, rows):
        """Run every field's own validation (Field.clean, as Model.clean_fields does) once on each distinct value
        of its column, and keep the values it refuses: {field: {value: messages}}, only for fields with any."""
        fields, defaults = self._record_layout()
        default_of = dict(zip((f.name for f in fields), defaults, strict=True))
        scratch = self._new_record(rows[0]) if rows else None
        present = set().union(*rows)
        self._bad_values = {}
        for model_field in self._revalidated_fields():
            name, default = model_field.name, default_of[model_field.name]
            try:
                distinct = {values.get(name, default) for values in rows} if name in present else {default}
            except TypeError:  # unhashable values: none of the record fields checked here holds one
                continue
            bad = {}
            for value in distinct:
                if model_field.blank and value in model_field.empty_values:
                    continue
                try:
                    model_field.clean(value, scratch)
                except ValidationError as error:
                    bad[value] = error.messages
            if bad:
                self._bad_values[model_field] = bad

    @classmethod
    @functools.cache
    def _revalidated_fields(cls):
        """Every field but the portal's bookkeeping and relations: a related record comes from the widget's lookup
        of this township's (or county's) own records, which the model's clean() checks — not one query a row."""
        return [
            f for f in cls.model()._meta.concrete_fields
            if not f.primary_key and not f.is_relation and f.name not in RECORD_BOOKKEEPING and f.editable
        ]

    def _plan(self, rows, report, *, lock=False, expected=None):
        """Match a batch of rows to their records and check them against the record's rules. Rows that break them,
        match a voided record, or (with `expected`: the preview's matches of these rows) changed since the preview
        become errors. Returns the plan and the rows' matches ([pk, version] or None)."""
        existing = self._existing(rows, lock=lock)
        if expected is None:
            self._check_columns(rows)
        plan = []
        instances = [existing.get(self.row_key(values)) for values in rows]
        for index, (values, instance) in enumerate(zip(rows, instances, strict=True)):
            row_number = values.get(ROW_NUMBER, index + 1)
            problems = self._match_problems(instance, expected, index)
            if problems:
                report.errors += [RowError(row_number, *problem) for problem in problems]
                continue
            for name, default in self.new_record_defaults.items():
                if values.get(name) in (None, ""):
                    if instance is None:
                        values[name] = default
                    else:
                        values.pop(name, None)
            if instance is None:
                record = None if expected is not None else self._new_record(values)
                changes, before, previous_state = None, None, None
            else:
                record, previous_state = instance, getattr(instance, "state", None)
                changes = self._changes(instance, values)
                before = {name: self._plain_value(instance, name) for name in changes}
                for name, value in changes.items():
                    if name not in self._m2m_names():
                        setattr(instance, name, value)
            # With the preview's matches confirmed unchanged, the preview's check of these rows still holds.
            problems = [] if expected is not None else self._record_problems(record, values, previous_state)
            if problems:
                report.errors += [RowError(row_number, *problem) for problem in problems]
            else:
                plan.append(PlannedRow(values, instance, changes, before, previous_state))
        matched = [None if instance is None else [instance.pk, instance.version] for instance in instances]
        return plan, matched

    def _new_record(self, values):
        """The row's values as an unsaved record, to check against the model's rules. A preview checks every row,
        so one scratch record is refilled for each (nothing keeps it) instead of constructing 20,000."""
        record = self.__dict__.get("_scratch_record")
        if record is None:
            record = self._scratch_record = self.model()(township=self.township)
        defaults, plain, relations = self._scratch_layout()
        state = record.__dict__
        state.update(defaults)
        for name, value in values.items():
            if name in plain:
                state[name] = value
        related = {"township": self.township}
        for name, attname, default in relations:
            value = values.get(name, default)
            if value is not None and not isinstance(value, int):
                related[name] = value
                value = value.pk
            state[attname] = value
        record._state.fields_cache = related
        return record

    @classmethod
    @functools.cache
    def _scratch_layout(cls):
        """What `_new_record` fills: {attname: default} of every field but the township, the names of the fields
        that are not relations (their name is their attname), and (name, attname, default) of the relations."""
        fields, defaults = cls._record_layout()
        kept = [(f, d) for f, d in zip(fields, defaults, strict=True) if f.name != "township"]
        return (
            {f.attname: d for f, d in kept},
            frozenset(f.name for f, _ in kept if not f.is_relation),
            [(f.name, f.attname, d) for f, d in kept if f.is_relation],
        )

    @classmethod
    @functools.cache
    def _record_layout(cls):
        fields = cls.model()._meta.concrete_fields
        return fields, [None if f.primary_key else f.get_default() for f in fields]

    def _match_problems(self, instance, expected, index):
        if instance is not None and instance.is_voided:
            return [(self._column_of(self.key[0]), str(instance),
                     f"该记录已作废（{instance.void_reason}），不能通过导入修改或恢复")]
        if expected is None:
            return []
        now = None if instance is None else [instance.pk, instance.version]
        if expected[index] is None and now is not None:
            return [(self._column_of(self.key[0]), str(instance), "自预览以来本镇已录入同一编号的记录，请重新上传预览")]
        if expected[index] is not None and now != list(expected[index]):
            return [(self._column_of(self.key[0]), str(instance or ""), "自预览以来该记录已被他人修改，请重新上传预览")]
        return []

    def import_ledger(self, content, *, rows=None, expected=None, user=None, dry_run=True, audit=None, source="",
                      progress=None):
        """Preview (dry_run) or commit a whole file. Any bad row → nothing is written. Returns an ImportReport whose
        `kept` rows and `matched` a later commit of the same file passes back (read back by rows_from_preview, as
        `rows` and `expected`): then the file is not cleaned again, and any record changed since the preview makes
        the commit refuse. A file that cannot be read at all raises FileRefused. `progress(stage, done, total)`, if
        given, hears each stage start and about every PROGRESS_EVERY rows (total None while unknown).

        Rows go BATCH_ROWS at a time from the file through the checks into the kept rows, and from the kept rows
        into the database: a county's year is never held whole."""
        progress = progress or _no_progress
        report = ImportReport()
        with transaction.atomic():
            if rows is None:
                progress(STAGE_READ, 0, None)
                self._check_file(read_sheet(content), report, lock=not dry_run, progress=progress)
                if dry_run or report.errors:
                    return report
                rows, expected = KeptRows(self, report.preview()), report.matched
            else:
                report.total_rows = len(rows)
            self._commit(rows, expected, report, user=user, audit=audit, source=source, progress=progress)
        return report

    def _check_file(self, sheet, report, *, lock, progress):
        """Clean and check every row; the good ones are kept (compressed) with their matches. Counts only for a
        clean file: no "将新增" for the good rows of a refused one."""
        progress(STAGE_CHECK, 0, sheet.height)
        kept, counts = RowsKept(), Counter()
        for batch in _batches(self.clean_rows(sheet, report, progress), BATCH_ROWS):
            plan, matched = self._plan(batch, report, lock=lock)
            report.matched += matched
            counts.update(self._kind_of(planned) for planned in plan)
            kept.add(batch)
        report.errors.sort(key=lambda error: error.row)
        if not report.errors:
            report.kept = kept.text()
            report.new, report.updated, report.unchanged = counts["new"], counts["updated"], counts["unchanged"]

    def _commit(self, rows, expected, report, *, user, audit, source, progress):
        """Write the rows batch by batch, each matched again under lock against the preview's `expected` matches;
        any record changed since the preview rolls everything back, the other batches still checked so that every
        such row is named."""
        progress(STAGE_WRITE, 0, report.total_rows)
        counts, created, updated, done = Counter(), [], [], 0
        for batch in _batches(rows, BATCH_ROWS):
            plan, _ = self._plan(batch, report, lock=True, expected=expected[done:done + len(batch)])
            done += len(batch)
            if not report.errors:
                counts.update(self._kind_of(planned) for planned in plan)
                self._write(report, plan, user, source, created, updated)
            progress(STAGE_WRITE, done, report.total_rows)
        if report.errors:
            report.errors.sort(key=lambda error: error.row)
            report.created_ids, report.updated_ids = [], []
            transaction.set_rollback(True)
            return
        report.new, report.updated, report.unchanged = counts["new"], counts["updated"], counts["unchanged"]
        report.committed = True
        if audit is not None:
            audit(created=created, updated=updated, report=report)

    @staticmethod
    def _kind_of(planned):
        return "new" if planned.instance is None else "updated" if planned.changes else "unchanged"

    def _write(self, report, plan, user, source, created, updated):
        """Write one batch's plan; `created` gains (pk, description) and `updated` (record, before, changes) for
        the audit."""
        model = self.model()
        now = timezone.now()
        to_create = [p.values for p in plan if p.instance is None]
        to_update = [p for p in plan if p.instance is not None and p.changes]
        created_ids = insert_rows(
            model,
            ({"township": self.township, "created_by": user, **self.model_values(values)} for values in to_create),
        )
        self._link_many(created_ids, [self.m2m_values(values) for values in to_create])
        m2m_names = self._m2m_names()
        changed_fields = set().union(*(p.changes for p in to_update)) if to_update else set()
        for planned in to_update:
            planned.instance.version += 1
            planned.instance.updated_at = now
        if to_update:
            model.objects.bulk_update(
                [p.instance for p in to_update],
                [*(changed_fields - m2m_names), "version", "updated_at"],
                batch_size=BATCH_SIZE,
            )
            self._relink_many([(p.instance, p.changes) for p in to_update])
        moved = [(p.instance, p.previous_state) for p in to_update if "state" in p.changes]
        self.record_import_steps(moved=moved, user=user, source=source)
        report.created_ids += created_ids
        report.updated_ids += [p.instance.pk for p in to_update]
        created += zip(created_ids, map(self.describe, to_create), strict=True)
        updated += [(p.instance, p.before, p.changes) for p in to_update]

    def record_import_steps(self, *, moved, user, source):
        """Hook: a dated step "导入" for each matched record whose state the import moved ([(record, old state)]).
        A record the import created has its import in the audit log (one row per record, pointing to the file)."""

    def _plain_value(self, instance, name):
        if name in self._m2m_names():
            return sorted(o.pk for o in getattr(instance, name).all())
        return getattr(instance, name)

    def _link_many(self, pks, m2m_rows):
        """Many-to-many values of freshly inserted records: one bulk insert per relation."""
        model = self.model()
        for name in self._m2m_names():
            relation = getattr(model, name)
            through = relation.through
            source, target = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
            links = [
                through(**{f"{source}_id": pk, f"{target}_id": obj.pk})
                for pk, m2m in zip(pks, m2m_rows, strict=True)
                for obj in m2m.get(name, [])
            ]
            through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    def _relink_many(self, to_update):
        model = self.model()
        for name in self._m2m_names():
            changed = [(instance, changes[name]) for instance, changes in to_update if name in changes]
            if not changed:
                continue
            through = getattr(model, name).through
            source = getattr(model, name).field.m2m_field_name()
            through.objects.filter(**{f"{source}_id__in": [i.pk for i, _ in changed]}).delete()
            self._link_many([i.pk for i, _ in changed], [{name: objects} for _, objects in changed])

    # exporting ---------------------------------------------------------------------------------------------
    def export_queryset(self, params=None):
        queryset = self.model().objects.active().filter(township=self.township)
        return self.filter_queryset(queryset, params or {})
