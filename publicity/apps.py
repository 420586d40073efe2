from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save

EVENT_FORMS = ["讲座", "街头宣传", "横幅", "电子显示屏", "微信", "短信", "展板", "现场宣传", "宪法宣誓", "入户走访",
               "知识竞赛"]


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "普法与学法"
    # The 工作台's buttons for this app's records, (label, URL name, Bootstrap icon): see xilian.views.home_actions.
    home_actions = [
        ("登记普法活动", "publicity:event_create", "megaphone"),
        ("登记学法", "publicity:study_create", "journal-plus"),
    ]
    # The township's sections for this app's records in the navigation: see xilian.panels.
    navigation = [
        ("普法活动", "publicity:event_list", "megaphone"),
        ("学法记录", "publicity:study_list", "journal-bookmark"),
    ]

    def ready(self):
        from xilian.models import Township

        post_migrate.connect(_seed_event_forms, sender=self, dispatch_uid="publicity_seed_event_forms")
        post_save.connect(_seed_laws_of_new_township, sender=Township, dispatch_uid="publicity_seed_laws")


def _seed_event_forms(sender, using="default", **kwargs):
    """The default forms of an event, after every migrate (and every flush, which tests do), like contenttypes."""
    from publicity.models import EventForm
    from xilian.audit import audit_seeded

    created = []
    for order, name in enumerate(EVENT_FORMS, start=1):
        form, is_new = EventForm.objects.using(using).get_or_create(name=name, defaults={"order": order})
        if is_new:
            created.append(form)
    audit_seeded(created, using=using)


def _seed_laws_of_new_township(sender, instance, created, raw=False, **kwargs):
    """A new township starts with the default law list, so its first 学法 record has laws to choose from."""
    if created and not raw:
        from django_scopes import scope

        from publicity.services import law_seed_defaults

        with scope(township=instance):
            law_seed_defaults(township=instance)
