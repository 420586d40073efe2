from django.apps import AppConfig
from django.db.models.signals import post_save


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "普法与学法"

    def ready(self):
        from xilian.models import Township

        post_save.connect(_seed_laws_of_new_township, sender=Township, dispatch_uid="publicity_seed_laws")


def _seed_laws_of_new_township(sender, instance, created, raw=False, **kwargs):
    """A new township starts with the default law list, so its first 学法 record has laws to choose from."""
    if created and not raw:
        from django_scopes import scope

        from publicity.services import law_seed_defaults

        with scope(township=instance):
            law_seed_defaults(township=instance)
