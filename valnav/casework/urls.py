"""Casework URLs, one module per part so each can grow on its own."""

from valnav.casework import views_cases, views_credentials, views_import, views_privacy

app_name = "casework"

urlpatterns = (
    views_cases.urlpatterns
    + views_credentials.urlpatterns
    + views_privacy.urlpatterns
    + views_import.urlpatterns
)
