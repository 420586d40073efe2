"""A township's annual 《法治政府建设情况报告》: the report (one a township and year) and its sections under the five
statutory parts (DOMAIN §1). Numbering — 一、 （一） 1、 — comes from order, never from what a clerk types."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from xilian.models import TownshipRecord, User

TEXT_MAX_LENGTH = 20000
MIN_YEAR, MAX_YEAR = 2000, 2100


def text_validators(label):
    return [MaxLengthValidator(TEXT_MAX_LENGTH, f"{label}不能超过{TEXT_MAX_LENGTH}字。")]


class Part(models.IntegerChoices):
    """The five parts the rule requires, in its order; 一 to 四 in the seed report's wording."""

    MEASURES = 1, "推进法治政府建设的主要举措和成效"
    SHORTCOMINGS = 2, "推进法治政府建设存在的不足和原因"
    PRINCIPAL_DUTIES = 3, "党政主要负责人履行推进法治政府建设第一责任人职责情况"
    NEXT_YEAR = 4, "下一步推进法治政府建设的主要安排"
    OTHER = 5, "其他需要报告的情况"


class Report(TownshipRecord):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已审定"
        ARCHIVED = "archived", "已归档"

    year = models.PositiveSmallIntegerField("年度", validators=[
        MinValueValidator(MIN_YEAR, f"年度不能早于{MIN_YEAR}年。"),
        MaxValueValidator(MAX_YEAR, f"年度不能晚于{MAX_YEAR}年。"),
    ])
    dated_on = models.DateField("成文日期", null=True, blank=True)
    # Empty means "the 成文日期": a report dated later counts later, unless the clerk fixes the cut-off.
    figures_as_of = models.DateField("统计截止日期", null=True, blank=True, help_text="留空则与成文日期相同")
    signed_by = models.CharField("署名", max_length=100, blank=True)
    intro = models.TextField("导语", blank=True, max_length=TEXT_MAX_LENGTH, validators=text_validators("导语"))
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    # 1 for the first filed text; a correction of an archived report is the next revision, filed again.
    revision = models.PositiveSmallIntegerField("修订版次", default=1)
    # The figures as they stood when the report was submitted ({key: figure fields}); empty while it is a draft,
    # whose figures are counted afresh on every view.
    frozen_figures = models.JSONField("提交时的指标", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "年度报告"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="report_one_per_township_year")]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return f"{self.township.name}{self.year}年度法治政府建设情况报告"

    @property
    def figures_date(self):
        """The day the report's figures are counted to (None: not dated yet, so today)."""
        return self.figures_as_of or self.dated_on

    def default_signature(self):
        return f"{self.township.county.name}{self.township.name}人民政府"

    def save(self, *args, **kwargs):
        if not self.signed_by:
            self.signed_by = self.default_signature()
        super().save(*args, **kwargs)


class ReportSection(models.Model):
    """A sub-part （一） of one of the five parts (`parent` empty), or a numbered point 1、 of a sub-part. A sub-part
    without a heading is the part's own text: it is not numbered, and its points follow the part's title directly
    (the seed's parts 二 and 四)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections", verbose_name="报告")
    part = models.PositiveSmallIntegerField("部分", choices=Part.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="points", verbose_name="所属小节"
    )
    position = models.PositiveIntegerField("顺序")
    heading = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("正文", blank=True, max_length=TEXT_MAX_LENGTH, validators=text_validators("正文"))

    objects = ScopedManager(township="report__township")

    class Meta:
        verbose_name = verbose_name_plural = "报告小节"
        ordering = ["part", "position", "pk"]

    def __str__(self):
        return self.heading or f"{Part(self.part).label}（正文）"

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.parent_id is not None:
            raise ValidationError("要点只能放在小节之下，不能再分层。")
        if self.parent.report_id != self.report_id or self.parent.part != self.part:
            raise ValidationError("要点必须与所属小节在同一报告的同一部分。")

    def siblings(self):
        """The sections numbered together with this one: same report, part and parent."""
        return ReportSection.objects.filter(report_id=self.report_id, part=self.part, parent_id=self.parent_id)


class ReportStep(models.Model):
    """One move of a report through 草稿 → 已提交 → 已审定 → 已归档 (or back), dated and signed; a 退回 carries
    what the leader asked for."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交"
        APPROVE = "approve", "审定"
        RETURN = "return", "退回"
        ARCHIVE = "archive", "归档"
        PUBLISH = "publish", "公开"
        REVISE = "revise", "修订"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps", verbose_name="报告")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=10, choices=Report.State.choices)
    to_state = models.CharField("新状态", max_length=10, choices=Report.State.choices)
    comment = models.TextField("意见", blank=True, max_length=2000)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now)

    objects = ScopedManager(township="report__township")

    class Meta:
        verbose_name = verbose_name_plural = "报告流转记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()}（{self.report}）"


def archive_path(archive, filename):
    return f"reports/{archive.report.township.code}/{archive.report.year}/{filename}"


class ReportArchive(models.Model):
    """A filed copy: rendered once when the report is archived and never changed again. A later correction is a new
    revision with its own copy; every copy stays downloadable."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="archives", verbose_name="报告")
    revision = models.PositiveSmallIntegerField("修订版次")
    pdf = models.FileField("PDF", upload_to=archive_path, max_length=300)
    pdf_sha256 = models.CharField("PDF 的 SHA-256", max_length=64)
    pdfa = models.FileField("PDF/A-2b", upload_to=archive_path, max_length=300)
    pdfa_sha256 = models.CharField("PDF/A-2b 的 SHA-256", max_length=64)
    figures = models.JSONField("归档时的指标")
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="审定人")
    archived_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="归档人")
    archived_at = models.DateTimeField("归档时间", default=timezone.now)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="公开人"
    )

    objects = ScopedManager(township="report__township")

    class Meta:
        verbose_name = verbose_name_plural = "报告归档件"
        ordering = ["report", "revision"]
        constraints = [models.UniqueConstraint(fields=["report", "revision"], name="report_archive_one_per_revision")]

    def __str__(self):
        return f"{self.report}（第{self.revision}版）"

    def save(self, *args, **kwargs):
        """A filed copy is written once; afterwards only its publication may be recorded."""
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= PUBLICATION_FIELDS:
                raise ValueError("归档件一经保存不能更改，只能记录公开信息。")
        super().save(*args, **kwargs)


PUBLICATION_FIELDS = {"published_at", "published_by"}
