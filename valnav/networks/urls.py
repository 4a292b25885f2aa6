"""Networks URLs, one module per part. The fixed paths under my-networks/ (new, decisions,
efforts) come before the patterns that take a network's slug there."""

from valnav.networks import views_efforts, views_meetings, views_networks, views_public

app_name = "networks"

urlpatterns = (
    views_public.urlpatterns
    + views_networks.urlpatterns
    + views_efforts.urlpatterns
    + views_networks.network_urlpatterns
    + views_meetings.urlpatterns
)
