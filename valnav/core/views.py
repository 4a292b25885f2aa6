"""Public pages that belong to no single part of the platform."""

from __future__ import annotations

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from valnav.core.audiences import TargetGroup


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Each audience card leads to its information pages (outreach), by the group's value.
    audience_urls = {
        group.value: reverse("outreach:audience", kwargs={"target_group": group.slug})
        for group in TargetGroup
    }
    return render(request, "core/home.html", {"audience_urls": audience_urls})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "core/contact.html")


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def ready(request: HttpRequest) -> HttpResponse:
    """Readiness for load balancers: this app server reaches its database and the shared cache.
    503 names what failed (never how: errors may carry addresses and credentials)."""
    failed: list[str] = []
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        failed.append("database")
    try:
        cache.set("valnav:ready", "1", timeout=10)
        if cache.get("valnav:ready") != "1":
            failed.append("cache")
    except Exception:  # any backend's own error type: the probe answers, the cache failed
        failed.append("cache")
    return JsonResponse({"ok": not failed, "failed": failed}, status=503 if failed else 200)
