from django.urls import path
from django.utils.translation import gettext_lazy as _

from valnav.places import views

app_name = "places"

urlpatterns = [
    path(_("places/"), views.index, name="index"),
]
