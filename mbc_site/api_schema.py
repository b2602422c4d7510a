"""Completes the OpenAPI schema with the error answers every operation can give.

Views document their own success and domain answers; the answers that come from the
framework around them (refused credentials, a role that does not allow the call, an id
that names nothing, a body that is not JSON) are added here, all in the API's error shape,
so the schema lists every status code the API can answer (schemathesis checks it).
"""

from __future__ import annotations

ERRORS_REF = {"$ref": "#/components/schemas/Errors"}

_GENERIC = {
    "400": "The request was refused; `errors` names each field and problem.",
    "401": "No valid credentials: no token, or one expired, revoked or ended by a password change.",
    "403": "Your role does not allow this.",
    "404": "Not found: no such record, an id out of range, or a page past the last.",
    "415": "The body is not JSON (`Content-Type: application/json`).",
}


def _add(responses: dict, code: str) -> None:
    responses.setdefault(
        code,
        {"description": _GENERIC[code], "content": {"application/json": {"schema": ERRORS_REF}}},
    )


def add_error_responses(result, generator, request, public):
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            secured = bool(operation.get("security")) and operation["security"] != [{}]
            if secured:
                _add(responses, "401")
                _add(responses, "403")
            if "{" in path:
                _add(responses, "404")
            if "requestBody" in operation:
                _add(responses, "400")
                _add(responses, "415")
            query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            if query:
                _add(responses, "400")
            if "page" in query:
                _add(responses, "404")  # a page past the last one
            if method == "patch":
                _version_required(result, operation)
    return result


def _version_required(result, operation) -> None:
    """A PATCH body may leave out any field but the version it was read at; the view
    refuses it without one (drf-spectacular makes every field of a PATCH optional)."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    component = result["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    if "version" in component.get("properties", {}):
        component["required"] = sorted({*component.get("required", []), "version"})
        operation["requestBody"]["required"] = True
