"""The API's reference page: the OpenAPI schema (drf-spectacular) read into plain rows and
shown inside the application's own layout, so that it has the app's navigation and needs no
third-party script. The machine-readable schema stays at /api/v1/schema/."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(ref: dict | None) -> str:
    if not isinstance(ref, dict):
        return ""
    if "$ref" in ref:
        return ref["$ref"].rsplit("/", 1)[-1]
    if ref.get("type") == "array":
        inner = _schema_name(ref.get("items"))
        return f"list of {inner}" if inner else "list"
    return str(ref.get("type", ""))


def _fields(schema: dict, components: dict) -> list[dict[str, Any]]:
    if "$ref" in schema:
        schema = components.get(_schema_name(schema), {})
    required = set(schema.get("required", []))
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        kind = _schema_name(prop) or ", ".join(map(str, prop.get("enum", []))) or "value"
        if prop.get("enum"):
            kind = "one of " + ", ".join(str(v) for v in prop["enum"] if v is not None)
        rows.append(
            {
                "name": name,
                "type": kind,
                "required": name in required and not prop.get("readOnly"),
                "description": prop.get("description", ""),
            }
        )
    return rows


def operations(schema: dict) -> list[dict[str, Any]]:
    """One row per endpoint and method, with its parameters, body fields and answers."""
    components = schema.get("components", {}).get("schemas", {})
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            rows.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p.get("in", ""),
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": _fields(body["schema"], components) if body else [],
                    "body_name": _schema_name(body["schema"]) if body else "",
                    "responses": [
                        {
                            "status": code,
                            "schema": _schema_name(
                                (r.get("content") or {}).get("application/json", {}).get("schema")
                            ),
                        }
                        for code, r in op.get("responses", {}).items()
                    ],
                    "tag": (op.get("tags") or ["api"])[0],
                }
            )
    return rows


@require_safe
def api_reference(request):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "api_reference.html",
        {"info": schema.get("info", {}), "operations": operations(schema)},
    )
