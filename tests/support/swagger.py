"""Check HTTP traffic against a Swagger 2.0 definition vendored in tests/specs.

Fakes call `check_request` on every request they receive and `check_response` on what they answer, so a
fake cannot drift from the real API, and an adapter that calls a path, method or parameter the API does
not have fails its tests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SPECS = Path(__file__).resolve().parents[1] / "specs"


class SpecViolation(AssertionError):
    pass


@dataclass(frozen=True)
class Operation:
    template: str
    method: str
    spec: dict[str, Any]
    path_params: dict[str, Any]


class Swagger:
    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document
        self.base_path = (document.get("basePath") or "").rstrip("/")
        self._routes: list[tuple[re.Pattern[str], str, dict[str, Any]]] = []
        for template, item in document["paths"].items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            self._routes.append((re.compile(f"^{pattern}$"), template, item))
        # Literal paths first: `/me/time_entries/current` must not match `/me/time_entries/{id}`.
        self._routes.sort(key=lambda r: r[1].count("{"))

    def operation(self, method: str, path: str) -> Operation:
        """The operation for `method path` (path without the base path), or SpecViolation."""
        path = path.split("?", 1)[0]
        if self.base_path and path.startswith(self.base_path):
            path = path[len(self.base_path) :] or "/"
        matched: str | None = None
        for pattern, template, item in self._routes:
            if pattern.match(path):
                op = item.get(method.lower())
                if op is None:  # `/x/{ids}` (PATCH) and `/x/{id}` (PUT) share a shape: try the next one
                    matched = matched or template
                    continue
                params = {p["name"]: p for p in [*item.get("parameters", []), *op.get("parameters", [])]}
                return Operation(template, method.upper(), op, params)
        if matched is not None:
            raise SpecViolation(f"{method} {matched}: the API has no such method")
        raise SpecViolation(f"{method} {path}: the API has no such path")

    def _schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {**schema, "definitions": self.doc.get("definitions", {})}

    def check_request(
        self, method: str, path: str, query: dict[str, str], body: Any, *, strict_query: bool = True
    ) -> Operation:
        op = self.operation(method, path)
        params = [
            self._resolve(p)
            for p in [*op.spec.get("parameters", []), *self._path_item(op).get("parameters", [])]
        ]
        known = {p["name"] for p in params if p.get("in") == "query"}
        if strict_query:
            unknown = set(query) - known
            if unknown:
                raise SpecViolation(f"{method} {op.template}: unknown query parameters {sorted(unknown)}")
        for p in params:
            if p.get("in") == "body" and body is not None and "schema" in p:
                self._validate(body, p["schema"], f"{method} {op.template} request body")
        return op

    def check_response(self, op: Operation, status: int, body: Any) -> None:
        responses = op.spec.get("responses", {})
        spec = responses.get(str(status)) or responses.get("default")
        if spec is None:
            if 200 <= status < 300:
                raise SpecViolation(f"{op.method} {op.template}: status {status} is not documented")
            return  # error statuses are often undocumented in these specs
        schema = spec.get("schema")
        if schema is not None and body is not None and 200 <= status < 300:
            self._validate(body, schema, f"{op.method} {op.template} response {status}")

    def _path_item(self, op: Operation) -> dict[str, Any]:
        return self.doc["paths"][op.template]

    def _resolve(self, param: dict[str, Any]) -> dict[str, Any]:
        ref = param.get("$ref")
        if ref and ref.startswith("#/parameters/"):
            return self.doc.get("parameters", {}).get(ref.split("/")[-1], param)
        return param

    def _validate(self, value: Any, schema: dict[str, Any], where: str) -> None:
        try:
            jsonschema.Draft4Validator(self._schema(schema)).validate(value)
        except jsonschema.ValidationError as exc:
            location = "/".join(str(p) for p in exc.absolute_path)
            raise SpecViolation(f"{where}: {exc.message} at {location or 'root'}") from None


@cache
def load(relative: str) -> Swagger:
    """`load("toggl/toggl-track-api-v9.swagger.json")`."""
    return Swagger(json.loads((SPECS / relative).read_text()))
