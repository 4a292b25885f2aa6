from django.urls import path
from django.utils.translation import gettext_lazy as _

from valnav.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path(_("accessibility/"), views.accessibility, name="accessibility"),
    path(_("contact/"), views.contact, name="contact"),
]
