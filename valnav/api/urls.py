from django.urls import path
from django.utils.translation import gettext_lazy as _

from valnav.api import views

app_name = "api"

urlpatterns = [
    path(_("my-api-keys/"), views.token_list, name="token-list"),
    path(_("my-api-keys/new/"), views.token_create, name="token-create"),
    path(_("my-api-keys/<int:pk>/revoke/"), views.token_revoke, name="token-revoke"),
]
