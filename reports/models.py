"""A township's annual 《法治政府建设情况报告》: the report (one a township and year) and its sections under the five
statutory parts (DOMAIN §1). Numbering — 一、 （一） 1、 — comes from order, never from what a clerk types."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django_scopes import ScopedManager

from xilian.models import TownshipRecord

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
