from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "valnav.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from valnav.casework import signals

        signals.connect()
