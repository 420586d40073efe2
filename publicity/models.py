"""普法活动, 学法记录, the township's law list, 驻点律师 and the attachments (photos, sign-in sheets) of records.

Natural keys (for the ledger importer): an event is (township, date, name), a study session (township, date,
form), a law (township, name), a lawyer (township, name, law firm) — unique among records that are not voided.
"""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from xilian.models import Township, TownshipRecord, User, Village
from xilian.validators import validate_plausible_date

ACTIVE = Q(voided_at__isnull=True)


def latest_allowed_date():
    """Records may be entered for tomorrow at the latest (an event prepared the day before)."""
    return timezone.localdate() + datetime.timedelta(days=1)


def validate_not_future(value):
    if value and value > latest_allowed_date():
        raise ValidationError("日期不能晚于明天。", code="future")


def non_negative(label):
    return MinValueValidator(0, f"{label}不能为负数。")


class KeyDate(models.TextChoices):
    """The publicity dates every township marks (DOMAIN §5)."""

    SECURITY_DAY = "0415", "4·15全民国家安全教育日"
    CIVIL_CODE_MONTH = "05", "5月民法典宣传月"
    ANTI_DRUG_DAY = "0626", "6·26国际禁毒日"
    FIRE_SAFETY_DAY = "1109", "11·9消防宣传日"
    CONSTITUTION_DAY = "1204", "12·4国家宪法日（宪法宣传周）"


class EventForm(models.Model):
    """The forms an event takes (讲座, 横幅, 微信…), a dictionary table shared by every township; an event has
    several. The system administrator can add one in /admin/."""

    name = models.CharField("形式", max_length=20, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "普法活动形式"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Law(TownshipRecord):
    """The laws and rules a township's cadres study; seeded per township, extended by its staff."""

    name = models.CharField("法律法规名称", max_length=100, error_messages={"required": "请填写法律法规名称。"})

    class Meta:
        verbose_name = verbose_name_plural = "法律法规清单"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="law_name_unique_in_township")]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = (self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": "请填写法律法规名称。"})
        if self.township_id and Law.objects.filter(township_id=self.township_id, name=self.name).exclude(
            pk=self.pk
        ).exists():
            raise ValidationError({"name": "清单中已有该法律法规。"})


class Lawyer(TownshipRecord):
    """One lawyer's engagement with the township as 法律顾问/驻点律师: the villages served from `since` until
    `until` (open-ended when empty). A new engagement period is a new record."""

    name = models.CharField("律师姓名", max_length=30)
    law_firm = models.CharField("律师事务所", max_length=100)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    is_township_adviser = models.BooleanField("镇法律顾问", default=False, help_text="同时担任镇政府法律顾问")
    villages = models.ManyToManyField(Village, blank=True, related_name="lawyers", verbose_name="驻点村（社区）")
    since = models.DateField("驻点起始日期", validators=[validate_plausible_date, validate_not_future])
    until = models.DateField("驻点截止日期", null=True, blank=True, help_text="留空表示仍在驻点",
                             validators=[validate_plausible_date])
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "驻点律师"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name", "law_firm"], condition=ACTIVE, name="lawyer_unique_in_township"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.law_firm}）"

    def clean(self):
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": "驻点截止日期不能早于起始日期。"})
        duplicates = Lawyer.objects.filter(
            ACTIVE, township_id=self.township_id, name=self.name, law_firm=self.law_firm
        ).exclude(pk=self.pk)
        if self.township_id and duplicates.exists():
            raise ValidationError({"name": "本镇已登记该律师事务所的这位律师。"})

    def serves_on(self, day):
        return self.since <= day and (self.until is None or self.until >= day)


class Event(TownshipRecord):
    date = models.DateField("活动日期", validators=[validate_plausible_date, validate_not_future])
    name = models.CharField("活动名称", max_length=100)
    theme = models.CharField("主题", max_length=100)
    key_date = models.CharField("宣传节点", max_length=4, choices=KeyDate.choices, blank=True)
    forms = models.ManyToManyField(EventForm, related_name="+", verbose_name="形式")
    place = models.CharField("地点", max_length=100)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属村（社区）",
        help_text="留空表示全镇",
    )
    organiser = models.CharField("主办单位", max_length=100)
    audience = models.CharField("宣传对象", max_length=100, blank=True)
    participants = models.IntegerField("参与人数", validators=[non_negative("参与人数")])
    materials = models.IntegerField("发放资料（份）", default=0, validators=[non_negative("发放资料份数")])
    lawyer = models.ForeignKey(
        Lawyer, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name="参与律师"
    )
    legal_helpers = models.CharField("法律明白人", max_length=100, blank=True, help_text="多人用顿号分隔")
    news_links = models.TextField("新闻链接", blank=True, help_text="每行一个网址")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "普法活动"
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "date", "name"], condition=ACTIVE, name="event_unique_name"),
            models.CheckConstraint(condition=Q(participants__gte=0, materials__gte=0), name="event_counts_positive"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self):
        errors = {}
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            errors["village"] = "请选择本镇的村（社区）。"
        duplicates = Event.objects.filter(ACTIVE, township_id=self.township_id, date=self.date, name=self.name)
        if self.township_id and self.date and duplicates.exclude(pk=self.pk).exists():
            errors["name"] = "同一天已登记同名活动。"
        bad_links = [link for link in self.news_link_list() if not _is_url(link)]
        if bad_links:
            errors["news_links"] = f"不是有效的网址：{bad_links[0]}"
        if errors:
            raise ValidationError(errors)

    def news_link_list(self):
        return [line.strip() for line in (self.news_links or "").splitlines() if line.strip()]

    @property
    def place_scope(self):
        return self.village.name if self.village_id else "全镇"


def _is_url(text):
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return False
    return True


class Study(TownshipRecord):
    class Form(models.TextChoices):
        CENTRAL_GROUP = "central_group", "党委理论学习中心组学法"
        BEFORE_MEETING = "before_meeting", "会前学法"
        COLLECTIVE = "collective", "集中学习"
        LECTURE = "lecture", "专题讲座"
        COURT_HEARING = "court_hearing", "旁听庭审"
        EXAM = "exam", "学法考试"

    date = models.DateField("学习日期", validators=[validate_plausible_date, validate_not_future])
    form = models.CharField("学习形式", max_length=20, choices=Form.choices)
    laws = models.ManyToManyField(Law, related_name="studies", verbose_name="学习的法律法规")
    topic = models.CharField("学习内容", max_length=200, blank=True, help_text="如：民法典物权编；留空则按所选法律法规")
    speaker = models.CharField("主讲人", max_length=50)
    chair = models.CharField("主持人", max_length=50)
    chaired_by_principal = models.BooleanField("党政主要负责人主持", default=False)
    attendees = models.IntegerField("参学人数", validators=[non_negative("参学人数")])
    hours = models.DecimalField(
        "学时", max_digits=4, decimal_places=1,
        validators=[MinValueValidator(Decimal("0"), "学时不能为负数。"), MaxValueValidator(24, "学时不能超过24。")],
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "学法记录"
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "date", "form"], condition=ACTIVE, name="study_unique_form"),
            models.CheckConstraint(condition=Q(attendees__gte=0, hours__gte=0), name="study_counts_positive"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_form_display()}"

    def clean(self):
        duplicates = Study.objects.filter(ACTIVE, township_id=self.township_id, date=self.date, form=self.form)
        if self.township_id and self.date and duplicates.exclude(pk=self.pk).exists():
            raise ValidationError({"form": "同一天已登记同一形式的学法。"})

    def content(self):
        """What was studied, as the ledger's 学习内容 column shows it."""
        return self.topic or "、".join(law.name for law in self.laws.all())


def attachment_path(instance, filename):
    """A generated name: the uploaded name never becomes a path."""
    return f"publicity/{instance.township.code}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    """A photo or document of an event or a study session, served only through the attachment view."""

    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        DOCUMENT = "document", "文档"

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name="所属镇")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments")
    study = models.ForeignKey(Study, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    extension = models.CharField("类型", max_length=5)
    content_type = models.CharField("MIME类型", max_length=100)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="上传人")

    objects = ScopedManager(township="township")

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, study__isnull=True) | Q(event__isnull=True, study__isnull=False),
                name="attachment_belongs_to_one_record",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def record(self):
        return self.event or self.study

    @property
    def is_image(self):
        return self.kind == self.Kind.IMAGE
