"""Outreach URLs: the members' pages come first, since their fixed path information/manage/
would otherwise be read as a target group by the public pages."""

from valnav.outreach import views_public, views_staff

app_name = "outreach"

urlpatterns = views_staff.urlpatterns + views_public.urlpatterns
