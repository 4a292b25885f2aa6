"""Atlas URLs, one module per part so each can grow on its own."""

from valnav.atlas import views_edit, views_import, views_public

app_name = "atlas"

urlpatterns = views_public.urlpatterns + views_edit.urlpatterns + views_import.urlpatterns
