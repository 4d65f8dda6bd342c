"""Request bodies and query strings, checked before anything is sent on.

The same marshmallow schemas the services validate with are applied here, so a
bad request is answered 400 with every problem at once and never reaches (or
half-changes) anything. What is passed on is the client's own data: the owning
service validates it again and decides.
"""
import json

from flask import request
from marshmallow import Schema, ValidationError

from portal_common.errors import validation_error

from ..errors import BodyNotAnObject, MalformedJson, NotJson


def _refuse_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def json_object() -> dict:
    """The body as a JSON object (413 past MAX_CONTENT_LENGTH, raised while reading)."""
    raw = request.get_data(cache=True)
    if not request.is_json:
        raise NotJson("Send the body as JSON with 'Content-Type: application/json'.")
    if not raw.strip():
        raise MalformedJson("The body is empty; send a JSON object.")
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise MalformedJson("The body is not valid JSON.",
                            {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}) from None
    except (ValueError, RecursionError):
        raise MalformedJson("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BodyNotAnObject("The body must be a JSON object.",
                              {"_schema": [f"Expected an object, got {type(data).__name__}."]})
    return data


def validated_body(schema: Schema, partial: bool = False) -> dict:
    """The body, refused unless ``schema`` accepts it (unknown fields are refused too)."""
    data = json_object()
    _check(schema, data, partial)
    return data


def validated_query(schema: Schema) -> dict:
    """The query string's parameters that ``schema`` knows, refused unless valid."""
    data = {name: request.args[name] for name in schema.fields if name in request.args}
    _check(schema, data, partial=False)
    return data


def _check(schema: Schema, data: dict, partial: bool) -> None:
    try:
        schema.load(data, partial=partial)
    except ValidationError as exc:
        raise validation_error(exc) from None
