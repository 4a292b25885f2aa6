from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for every part of Valnav (`manage.py seed_demo`); the top layer, imports all."""

    name = "valnav.demo"
    label = "demo"
    verbose_name = _("Demo data")
