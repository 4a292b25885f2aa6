"""Insights URLs: demand against supply, equity across municipalities, the value of
validation; one module per part."""

from valnav.insights import (
    views_dashboards,
    views_demand,
    views_equity,
    views_focus,
    views_gaps,
    views_imports,
    views_index,
    views_value,
)

app_name = "insights"

urlpatterns = (
    views_index.urlpatterns
    + views_demand.urlpatterns
    + views_equity.urlpatterns
    + views_imports.urlpatterns
    + views_gaps.urlpatterns
    + views_value.urlpatterns
    + views_focus.urlpatterns
    + views_dashboards.urlpatterns
)
