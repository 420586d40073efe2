from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "矛盾纠纷与12345工单"
    # The 工作台's buttons for this app's records, (label, URL name, Bootstrap icon): see xilian.views.home_actions.
    home_actions = [
        ("登记工单", "disputes:ticket_create", "telephone-plus"),
        ("登记纠纷", "disputes:dispute_create", "people"),
    ]
    # The township's sections for this app's records in the navigation: see xilian.panels.
    navigation = [
        ("矛盾纠纷", "disputes:dispute_list", "people"),
        ("12345工单", "disputes:ticket_list", "telephone"),
    ]
    dashboard_panels = "disputes.dashboard.panels"  # what needs action now: see xilian.panels

    def ready(self):
        from disputes.models import CalendarDay
        from disputes.workdays import forget_cached
        from xilian.models import County

        post_save.connect(_seed_categories_of_new_county, sender=County, dispatch_uid="disputes_seed_categories")
        for signal in (post_save, post_delete):
            signal.connect(forget_cached, sender=CalendarDay, dispatch_uid=f"disputes_calendar_{signal is post_save}")


def _seed_categories_of_new_county(sender, instance, created, raw=False, **kwargs):
    """A new county starts with the standard 人民调解 categories, which its administrator may then edit."""
    if created and not raw:
        from disputes.models import seed_dispute_categories

        seed_dispute_categories(instance)
