"""Check HTTP traffic against a Swagger 2.0 definition vendored in tests/specs.

Fakes call `check_request` on every request they receive and `check_response` on what they answer, so a
fake cannot drift from the real API, and an adapter that calls a path, method or parameter the API does
not have fails its tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

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


_SIMPLE = {"string", "integer", "number", "boolean"}


class Swagger:
    """One definition. `check_request` refuses what the definition does not allow: an undeclared path or
    method, an unknown query parameter, a missing required parameter (query, header, path or body), a value
    outside a parameter's `enum` or type, a body where none is declared, a body its schema rejects, and —
    with `strict_body` — a property the body schema does not declare (the definition's objects are closed)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document
        self.base_path = (document.get("basePath") or "").rstrip("/")
        self._routes: list[tuple[re.Pattern[str], str, dict[str, Any]]] = []
        for template, item in document["paths"].items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
            self._routes.append((re.compile(f"^{pattern}$"), template, item))
        # Literal paths first: `/me/time_entries/current` must not match `/me/time_entries/{id}`.
        self._routes.sort(key=lambda r: r[1].count("{"))
        self._closed: dict[str, Any] | None = None

    def operation(self, method: str, path: str) -> Operation:
        """The operation for `method path` (path without the base path), or SpecViolation."""
        path = path.split("?", 1)[0]
        if self.base_path and path.startswith(self.base_path):
            path = path[len(self.base_path) :] or "/"
        matched: str | None = None
        for pattern, template, item in self._routes:
            found = pattern.match(path)
            if found:
                op = item.get(method.lower())
                if op is None:  # `/x/{ids}` (PATCH) and `/x/{id}` (PUT) share a shape: try the next one
                    matched = matched or template
                    continue
                names = re.findall(r"\{([^}]+)\}", template)
                values = {n: unquote(v) for n, v in zip(names, found.groups(), strict=True)}
                return Operation(template, method.upper(), op, values)
        if matched is not None:
            raise SpecViolation(f"{method} {matched}: the API has no such method")
        raise SpecViolation(f"{method} {path}: the API has no such path")

    def _schema(self, schema: dict[str, Any], *, closed: bool = False) -> dict[str, Any]:
        definitions = self.doc.get("definitions", {})
        if closed:
            if self._closed is None:
                self._closed = {name: _close(s) for name, s in definitions.items()}
            definitions, schema = self._closed, _close(schema)
        return {**schema, "definitions": definitions}

    def correct(self, method: str, template: str, name: str, **changes: Any) -> None:
        """Fix one parameter the published definition gets wrong (say why where this is called): e.g.
        `required=False` for a list filter the documentation calls optional. `None` removes a key."""
        item = self.doc["paths"][template]
        for p in [*item[method.lower()].get("parameters", []), *item.get("parameters", [])]:
            if p.get("name") == name:
                for key, value in changes.items():
                    if value is None:
                        p.pop(key, None)
                    else:
                        p[key] = value
                return
        raise KeyError(f"{method} {template} has no parameter {name!r}")

    def parameters(self, op: Operation) -> list[dict[str, Any]]:
        """The operation's parameters, path-level ones included, `$ref`s resolved."""
        return [
            self._resolve(p)
            for p in [*op.spec.get("parameters", []), *self._path_item(op).get("parameters", [])]
        ]

    def check_request(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Any,
        *,
        headers: Mapping[str, str] | None = None,
        strict_query: bool = True,
        strict_body: bool = False,
    ) -> Operation:
        """`headers=None` skips the header checks (a caller that cannot see them); pass them if known."""
        op = self.operation(method, path)
        where = f"{method} {op.template}"
        params = self.parameters(op)
        known = {p["name"] for p in params if p.get("in") == "query"}
        if strict_query:
            unknown = set(query) - known
            if unknown:
                raise SpecViolation(f"{where}: unknown query parameters {sorted(unknown)}")
        lowered = None if headers is None else {k.lower(): v for k, v in headers.items()}
        has_body_param = False
        for p in params:
            place, name = p.get("in"), p.get("name", "")
            if place == "body":
                has_body_param = True
                if body is None and p.get("required"):
                    raise SpecViolation(f"{where}: the request body is required")
                if body is not None and "schema" in p:
                    self._validate(body, p["schema"], f"{where} request body", closed=strict_body)
                continue
            if place == "query":
                value = query.get(name)
            elif place == "header":
                if lowered is None:
                    continue
                value = lowered.get(name.lower())
            elif place == "path":
                value = op.path_params.get(name)
            else:
                continue
            if value is None or (value == "" and not p.get("allowEmptyValue")):
                if p.get("required"):
                    raise SpecViolation(f"{where}: the {place} parameter {name!r} is required")
                continue
            _check_value(p, value, f"{where}: {place} parameter {name!r}")
        if body is not None and not has_body_param and method.upper() in ("POST", "PUT", "PATCH"):
            raise SpecViolation(f"{where}: the API takes no request body")
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

    def _validate(self, value: Any, schema: dict[str, Any], where: str, *, closed: bool = False) -> None:
        try:
            jsonschema.Draft4Validator(self._schema(schema, closed=closed)).validate(value)
        except jsonschema.ValidationError as exc:
            location = "/".join(str(p) for p in exc.absolute_path)
            raise SpecViolation(f"{where}: {exc.message} at {location or 'root'}") from None


def _check_value(param: dict[str, Any], raw: str, where: str) -> None:
    """A query, header or path value (always text on the wire) against the parameter's type and enum."""
    kind = param.get("type")
    values = raw.split(",") if kind == "array" else [raw]
    item = param.get("items", {}) if kind == "array" else param
    item_kind = item.get("type")
    for text in values:
        typed: Any = text
        if item_kind == "boolean":
            if text not in ("true", "false"):
                raise SpecViolation(f"{where} must be true or false, not {text!r}")
            typed = text == "true"
        elif item_kind == "integer":
            if not re.fullmatch(r"-?\d+", text):
                raise SpecViolation(f"{where} must be an integer, not {text!r}")
            typed = int(text)
        elif item_kind == "number":
            try:
                typed = float(text)
            except ValueError:
                raise SpecViolation(f"{where} must be a number, not {text!r}") from None
        enum = item.get("enum")
        if enum is not None and typed not in enum and text not in [str(e) for e in enum]:
            raise SpecViolation(f"{where}: {text!r} is not one of {enum}")


def _close(schema: Any) -> Any:
    """`schema` with every object that lists `properties` closed (`additionalProperties: false`), unless it
    says otherwise: the definition then allows exactly the properties it declares."""
    if isinstance(schema, list):
        return [_close(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "definitions", "patternProperties") and isinstance(value, dict):
            out[key] = {name: _close(sub) for name, sub in value.items()}
        elif key in ("items", "allOf", "anyOf", "oneOf", "not", "additionalProperties"):
            out[key] = _close(value)
        else:
            out[key] = value
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and schema.get("type", "object") == "object"
    ):
        out["additionalProperties"] = False
    return out


@cache
def load(relative: str) -> Swagger:
    """`load("toggl/toggl-track-api-v9.swagger.json")`."""
    return Swagger(json.loads((SPECS / relative).read_text()))
