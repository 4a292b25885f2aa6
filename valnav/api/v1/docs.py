"""The API's documentation page (/api/v1/docs): every operation of the OpenAPI document, read
from it and rendered on the server in Valnav's own frame.

Swagger UI, Ninja's default, failed axe on contrast, controls nested in controls, landmarks and
the page's language (issue #17), and needs JavaScript; this page is plain HTML that passes
axe and the HTML checker, and works offline. Programs and tools that want to try the API read
the OpenAPI document itself, linked from the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from ninja.openapi.docs import DocsBase

from valnav.core.markdown import render_markdown

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, query, header
    required: bool
    kind: str
    description: str


@dataclass(frozen=True)
class Response:
    status: str
    description: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: SafeString
    parameters: list[Parameter]
    body: str  # the request body's schema, or ""
    responses: list[Response]
    secured: bool


@dataclass(frozen=True)
class Section:
    tag: str
    operations: list[Operation]


def schema_kind(schema: dict[str, Any]) -> str:
    """A schema in a few words: its type, its component's name, or the types it may take."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [schema_kind(part) for part in schema["anyOf"] if part.get("type") != "null"]
        return " | ".join(kinds) or "null"
    kind = str(schema.get("type", ""))
    if kind == "array":
        return f"array[{schema_kind(schema.get('items', {}))}]"
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("enum"):
        kind += ": " + ", ".join(str(value) for value in schema["enum"])
    return kind or "–"


def _operation(path: str, method: str, operation: dict[str, Any]) -> Operation:
    parameters = [
        Parameter(
            name=str(parameter["name"]),
            location=str(parameter["in"]),
            required=bool(parameter.get("required")),
            kind=schema_kind(parameter.get("schema", {})),
            description=str(parameter.get("description", "")),
        )
        for parameter in operation.get("parameters", [])
    ]
    content = operation.get("requestBody", {}).get("content", {})
    body = ", ".join(
        f"{media_type}: {schema_kind(media.get('schema', {}))}"
        for media_type, media in content.items()
    )
    return Operation(
        anchor=re.sub(r"[^a-z0-9]+", "-", f"{method} {path}".lower()).strip("-"),
        method=method.upper(),
        path=path,
        summary=str(operation.get("summary", "")),
        description=render_markdown(str(operation.get("description", ""))),
        parameters=parameters,
        body=body,
        responses=[
            Response(str(status), str(answer.get("description", "")))
            for status, answer in operation.get("responses", {}).items()
        ],
        # An empty alternative among the requirements: the key is optional.
        secured=bool(operation.get("security")) and {} not in operation["security"],
    )


def reference_sections(schema: dict[str, Any]) -> list[Section]:
    """The operations grouped by their first tag, in the order the document names them."""
    sections: dict[str, list[Operation]] = {}
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            if method in operations:
                tag = (operations[method].get("tags") or ["api"])[0]
                sections.setdefault(tag, []).append(_operation(path, method, operations[method]))
    return [Section(tag, operations) for tag, operations in sections.items()]


class ReferencePage(DocsBase):
    """Ninja's `docs`: the reference rendered from the OpenAPI document."""

    template = "api/reference.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        info = schema["info"]
        return render(
            request,
            self.template,
            {
                "title": info["title"],
                "version": info["version"],
                "description": render_markdown(str(info.get("description", ""))),
                "openapi_url": self.get_openapi_url(api, kwargs),
                "sections": reference_sections(dict(schema)),
            },
        )
