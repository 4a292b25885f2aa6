"""Governance URLs: projects, their result chain, budget and actuals, requisitions and
reports; one module per part."""

from valnav.governance import views_budget, views_projects, views_reports, views_results

app_name = "governance"

urlpatterns = (
    views_projects.urlpatterns
    + views_results.urlpatterns
    + views_budget.urlpatterns
    + views_reports.urlpatterns
)
