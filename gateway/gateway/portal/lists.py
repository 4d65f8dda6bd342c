"""What the portal's list pages share (invoices, quotes, sales orders, timesheets, projects):
the query string's page and per_page, reading it (anything invalid is a 400), the page the
service is asked for, and the choices the pager's links keep. The templates' half is
templates/portal/_lists.html."""
from flask import abort, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

PER_PAGE = 20


class PageQuery(Schema):
    """A list page's query string; anything else in it (such as ``lang``) is ignored.
    A list with filters subclasses it and adds them (see ``choice``)."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))


def choice(options: dict, default: str) -> fields.String:
    """A filter or order of the list: one of ``options``' keys, ``default`` when absent."""
    return fields.String(load_default=default, validate=validate.OneOf(list(options)))


def chosen_by(schema: Schema) -> dict:
    """The request's query string as ``schema`` reads it; a 400 page when invalid."""
    try:
        return schema.load(request.args.to_dict())
    except ValidationError:
        abort(400)


def service_page(chosen: dict, *filters: str) -> dict:
    """The page the service is asked for, with those ``filters`` that are not "all"."""
    query = {"page": chosen["page"], "per_page": chosen["per_page"] or PER_PAGE}
    query.update({name: chosen[name] for name in filters if chosen[name] != "all"})
    return query


def kept(chosen: dict, defaults: dict) -> dict:
    """What the pager's links keep: the choices (named in ``defaults``, in its order) that
    are not their defaults."""
    return {name: chosen[name] for name in defaults if chosen[name] != defaults[name]}
