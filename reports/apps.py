from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "年度报告"
    # The township's section for its reports, and its 工作台 panels (the report due, the charts): see xilian.panels.
    navigation = [("年度报告", "reports:report_list", "file-earmark-text")]
    dashboard_panels = "reports.dashboard.panels"

    def ready(self):
        from reports import jobs  # noqa: F401  (registers the archive job)
