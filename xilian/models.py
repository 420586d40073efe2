import calendar
import datetime
import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from xilian.roles import ROLE_PERMISSIONS, TOWNSHIP_ROLES, Role


def _code_validator(length):
    return RegexValidator(rf"^\d{{{length}}}$", f"统计用区划代码应为{length}位数字。")


def _month_day_validator(value):
    try:
        _month_day(value, 2024)  # a leap year, so that 02-29 is accepted
    except (ValueError, TypeError):
        raise ValidationError("请按“月-日”填写，例如 03-01。") from None


def _month_day(value, year):
    month, day = value.split("-")
    return datetime.date(year, int(month), min(int(day), calendar.monthrange(year, int(month))[1]))


class County(models.Model):
    name = models.CharField("县（区）名称", max_length=50)
    full_name = models.CharField("全称", max_length=100, blank=True, help_text="例如：广东省湛江市徐闻县")
    code = models.CharField("统计用区划代码", max_length=6, unique=True, validators=[_code_validator(6)])
    # DOMAIN §1 (configurable): the year's report goes to the county by 3月1日 and is made public by 4月1日 of the
    # next year.
    report_submission_due = models.CharField(
        "年度报告报送期限", max_length=5, default="03-01", validators=[_month_day_validator],
        help_text="次年的月-日，例如 03-01",
    )
    report_publication_due = models.CharField(
        "年度报告公开期限", max_length=5, default="04-01", validators=[_month_day_validator],
        help_text="次年的月-日，例如 04-01",
    )

    class Meta:
        verbose_name = verbose_name_plural = "县（区）"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def report_deadlines(self, year):
        """(submission, publication) dates for the report of `year`, both in the next year."""
        return tuple(_month_day(due, year + 1) for due in (self.report_submission_due, self.report_publication_due))


class Township(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships", verbose_name="所属县")
    name = models.CharField("镇（街道）名称", max_length=50)
    code = models.CharField("统计用区划代码", max_length=9, unique=True, validators=[_code_validator(9)])

    class Meta:
        verbose_name = verbose_name_plural = "镇（街道）"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="township_name_unique_in_county")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.county_id and self.code and not self.code.startswith(self.county.code):
            raise ValidationError({"code": f"镇的区划代码应以所属县的代码 {self.county.code} 开头。"})


class Village(models.Model):
    class Kind(models.TextChoices):
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="villages", verbose_name="所属镇")
    name = models.CharField("村（社区）名称", max_length=50)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.VILLAGE)
    code = models.CharField("统计用区划代码", max_length=12, unique=True, validators=[_code_validator(12)])

    class Meta:
        verbose_name = verbose_name_plural = "村（社区）"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_name_unique_in_township")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.township_id and self.code and not self.code.startswith(self.township.code):
            raise ValidationError({"code": f"村（社区）的区划代码应以所属镇的代码 {self.township.code} 开头。"})


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=10, choices=Role.choices)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name="所属镇"
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name="所属县"
    )

    objects = UserManager()
    REQUIRED_FIELDS = ["role"]
    audit_exclude = ("password", "last_login")
    # What an account may never change on itself: the admin could otherwise make himself the county office.
    SELF_LOCKED_FIELDS = ("role", "township", "county", "is_active")
    edited_by = None  # the account making this change, set by the admin before the form validates

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        self._clean_scope()
        self._clean_own_account()

    def _clean_own_account(self):
        if self.edited_by is None or self.edited_by.pk != self.pk or self._state.adding:
            return
        stored = User.objects.get(pk=self.pk)
        fields = [self._meta.get_field(name) for name in self.SELF_LOCKED_FIELDS]
        if any(getattr(stored, field.attname) != getattr(self, field.attname) for field in fields):
            raise ValidationError("不能修改自己账号的角色、所属镇、所属县或启用状态，请由另一位系统管理员修改。")

    def _clean_scope(self):
        if self.role in TOWNSHIP_ROLES:
            if not self.township_id:
                raise ValidationError({"township": "镇工作人员和镇领导必须选择所属镇。"})
            self.county = None
        elif self.role == Role.COUNTY:
            if not self.county_id:
                raise ValidationError({"county": "县依法治县办的用户必须选择所属县。"})
            self.township = None
        else:
            self.township = None
            self.county = None

    def can(self, permission):
        return self.is_active and permission in ROLE_PERMISSIONS.get(self.role, set())

    def belongs_to(self, township):
        """A member of the township itself (staff or leader), as opposed to the county office reading it."""
        return self.township_id is not None and self.township_id == township.pk

    def visible_townships(self):
        """The townships whose records this user may read: their own, or every one of their county."""
        if self.role in TOWNSHIP_ROLES and self.township_id:
            return Township.objects.filter(pk=self.township_id)
        if self.role == Role.COUNTY and self.county_id:
            return Township.objects.filter(county_id=self.county_id)
        return Township.objects.none()


class TownshipRecordManager(models.Manager):
    def active(self):
        """Records that have not been voided (a method of the manager, so that an unscoped call still raises)."""
        return self.get_queryset().filter(voided_at__isnull=True)


class TownshipRecord(models.Model):
    """Base of every township business record: scoped to one township, voided instead of deleted, versioned so
    that a second concurrent save can be refused."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name="所属镇")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Who created or voided a record is shown, never searched: no index to maintain on bulk imports.
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="录入人", db_index=False)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="作废人", db_index=False
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = ScopedManager(township="township", _manager_class=TownshipRecordManager)

    class Meta:
        abstract = True

    @property
    def is_voided(self):
        return self.voided_at is not None


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")


class AuditLog(models.Model):
    """Append-only: rows are only ever inserted (enforced here and by a database trigger, see migrations)."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        VOID = "void", "作废"
        DELETE = "delete", "删除"
        IMPORT = "import", "批量导入"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        RETENTION = "retention", "过期日志导出清理"

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # The log is filtered by username, action, township and time; the actor and record type are only shown.
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="操作人",
                              db_index=False)
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="镇")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, verbose_name="记录类型",
                                     db_index=False)
    object_id = models.CharField("记录编号", max_length=64, blank=True)
    object_repr = models.CharField("记录", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    detail = models.JSONField("说明", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        # A record's own history (the timeline on its page) is read by its id.
        indexes = [models.Index(fields=["object_id", "content_type"], name="auditlog_object")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")


def _import_file_name(instance, filename):
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.upload"


class PreviewEncoder(DjangoJSONEncoder):
    """An import preview's rows as JSON: a related record is kept as its primary key (dates and Decimals as text,
    as DjangoJSONEncoder writes them)."""

    def default(self, o):
        if isinstance(o, models.Model):
            return o.pk
        return super().default(o)


class LedgerImport(models.Model):
    """One uploaded ledger file: previewed first, committed on confirmation. The preview's cleaned rows and the
    versions of the records they matched are kept in `preview` (JSON) until then, so what is written is exactly
    what was checked — never what the browser sends back — and a record changed since the preview stops the
    commit. The uploaded file itself is kept with its SHA-256."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "待确认"
        COMMITTED = "committed", "已导入"

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name="所属镇")
    kind = models.CharField("台账类型", max_length=20)
    original_name = models.CharField("文件名", max_length=255)
    stored_file = models.FileField("文件", upload_to=_import_file_name)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="导入人")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    counts = models.JSONField("统计", default=dict)
    errors = models.JSONField("错误", default=list)
    created_ids = models.JSONField("新增记录", default=list)
    updated_ids = models.JSONField("更新记录", default=list)
    preview = models.JSONField("预览的数据行", null=True, blank=True, editable=False, encoder=PreviewEncoder)

    objects = ScopedManager(township="township")

    class Meta:
        verbose_name = verbose_name_plural = "台账导入"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name}（{self.get_status_display()}）"


class Job(models.Model):
    """A piece of long work a user started — a big import's check or commit, a report's filing — run by the Celery
    worker when one is configured and in the request otherwise (xilian/jobs.py). Its page shows its progress and
    then leads to its result. A worker killed mid-job leaves it 进行中; the broker hands it to a worker again and it
    runs again from the start, which is safe because each job's writes are one transaction."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "未完成"

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name="所属镇")
    kind = models.CharField("类型", max_length=30)
    title = models.CharField("事项", max_length=200)
    params = models.JSONField("参数", default=dict)
    file = models.FileField("文件", upload_to=_import_file_name, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="发起人")
    ip_address = models.GenericIPAddressField("发起地址", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    message = models.TextField("结果", blank=True)
    result_url = models.CharField("结果页面", max_length=300, blank=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedManager(township="township")

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}
