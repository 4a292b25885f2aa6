"""Casework URLs, one module per part so each can grow on its own. Fixed paths under cases/
(the importer's, the statistics) come before the patterns that take a case reference there."""

from valnav.casework import (
    views_cases,
    views_credentials,
    views_import,
    views_komvux,
    views_privacy,
    views_statistics,
)

app_name = "casework"

urlpatterns = (
    views_import.urlpatterns
    + views_statistics.urlpatterns
    + views_cases.urlpatterns
    + views_komvux.urlpatterns
    + views_credentials.urlpatterns
    + views_privacy.urlpatterns
)
