"""GET /api/v1/openapi.json: the document, built once per process."""
from flask import current_app

from . import bp
from .docs import build_spec, operation

_EXTENSION = "gateway.openapi"


@bp.get("/openapi.json")
@operation("This OpenAPI document", tags=("meta",), responses={200: None}, public=True)
def openapi_document():
    app = current_app._get_current_object()
    if _EXTENSION not in app.extensions:
        app.extensions[_EXTENSION] = build_spec(app)
    return app.extensions[_EXTENSION]
