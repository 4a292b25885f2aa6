"""Events URLs: the staff's pages under events/manage/ come before the public patterns that
take an event's address name there."""

from valnav.events import views_public, views_staff

app_name = "events"

urlpatterns = views_staff.urlpatterns + views_public.urlpatterns
