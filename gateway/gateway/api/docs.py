"""The OpenAPI 3 document, built with apispec's MarshmallowPlugin from the same
schemas the API validates with, and from the routes Flask really has.

Each view says what it takes and gives with :func:`operation`; :func:`build_spec`
walks the URL map, so a route cannot exist without being in the document (a
missing description is an error, caught by the tests).
"""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from billing.schemas import (CommentSchema, CreditApplicationSchema, CreditNoteQuerySchema,
                             CreditNoteSchema, InvoiceListQuerySchema, InvoiceSchema,
                             PaymentQuerySchema, PaymentSchema, RecurringProfileSchema,
                             StatementQuerySchema,
                             TaxCreateSchema, TaxSchema)

from identity.schemas import (BulkEnableSchema, ContactInputSchema, ContactSchema,
                              ContactUpdateSchema, CustomerCreateSchema, CustomerInputSchema,
                              CustomerListQuerySchema, CustomerReviewQuerySchema,
                              CustomerSchema, OrganizationSchema, OrganizationUpdateSchema,
                              PortalEnableSchema, PortalPreferencesSchema, PortalResultSchema,
                              ReviewListQuerySchema, ReviewQuerySchema, ReviewSchema)
from notify.schemas import (EmailTemplateInputSchema, EmailTemplateSchema, FeedQuerySchema,
                            MailListQuerySchema, NotificationPreferenceInputSchema,
                            NotificationPreferenceSchema, OutgoingMailDetailSchema)
import quotes.schemas as quotes_schemas

from . import schemas
from . import quote_schemas
from . import timesheet_schemas as ts

# Order matters only in that nested schemas come before the schemas using them.
COMPONENTS = {
    "Error": schemas.ErrorSchema,
    "Organization": OrganizationSchema,
    "OrganizationUpdate": OrganizationUpdateSchema(partial=True),
    "PortalPreferences": PortalPreferencesSchema,
    "ContactInput": ContactInputSchema,
    "ContactUpdate": ContactUpdateSchema(partial=True),
    "Contact": ContactSchema,
    "Customer": CustomerSchema,
    "CustomerCreate": CustomerCreateSchema,
    "CustomerUpdate": CustomerInputSchema(partial=True),
    "CustomerPage": schemas.CustomerPageSchema,
    "PortalEnable": PortalEnableSchema,
    "BulkEnable": BulkEnableSchema,
    "PortalResult": PortalResultSchema,
    "EmailTemplateInput": EmailTemplateInputSchema,
    "EmailTemplate": EmailTemplateSchema,
    "EmailTemplateList": schemas.EmailTemplateListSchema,
    "OutgoingMailPage": schemas.OutgoingMailPageSchema,
    "OutgoingMailDetail": OutgoingMailDetailSchema,
    "NotificationPreferenceInput": NotificationPreferenceInputSchema,
    "NotificationPreference": NotificationPreferenceSchema,
    "NotificationPreferenceList": schemas.NotificationPreferenceListSchema,
    "FeedEntry": schemas.LinkedFeedEntrySchema,
    "FeedPage": schemas.FeedPageSchema,
    "FeedReadAll": schemas.FeedReadAllSchema,
    "Review": ReviewSchema,
    "ReviewPage": schemas.ReviewPageSchema,
    "TaxCreate": TaxCreateSchema,
    "Tax": TaxSchema,
    "TaxList": schemas.TaxListSchema,
    "InvoiceBody": schemas.InvoiceBodySchema,
    "InvoiceUpdate": schemas.InvoiceBodySchema(partial=True),
    "Invoice": InvoiceSchema,
    "InvoicePage": schemas.InvoicePageSchema,
    "CreditNoteBody": schemas.CreditNoteBodySchema,
    "CreditNote": CreditNoteSchema,
    "PaymentBody": schemas.PaymentBodySchema,
    "Payment": PaymentSchema,
    "CreditApplyBody": schemas.CreditApplyBodySchema,
    "RetainerApplyBody": schemas.RetainerApplyBodySchema,
    "CreditApplication": CreditApplicationSchema,
    "Comment": CommentSchema,
    "CommentBody": schemas.CommentBodySchema,
    "CommentList": schemas.CommentListSchema,
    "InvoiceTax": schemas.InvoiceTaxSchema,
    "InvoicePayment": schemas.InvoicePaymentSchema,
    "InvoiceCredit": schemas.InvoiceCreditSchema,
    "InvoiceDetail": schemas.InvoiceDetailSchema,
    "CreditNotePage": schemas.CreditNotePageSchema,
    "PaymentSummary": schemas.PaymentSummarySchema,
    "PaymentPage": schemas.PaymentPageSchema,
    "ReceiptApplication": schemas.ReceiptApplicationSchema,
    "RefundBody": schemas.RefundBodySchema,
    "Refund": schemas.RefundSchema,
    "Receipt": schemas.ReceiptSchema,
    "RecurringProfileBody": schemas.RecurringProfileBodySchema,
    "RecurringProfile": RecurringProfileSchema,
    "RecurringProfileList": schemas.RecurringProfileListSchema,
    "CreditNoteApplication": schemas.CreditNoteApplicationSchema,
    "CreditNoteDetail": schemas.CreditNoteDetailSchema,
    "StatementMovement": schemas.StatementMovementSchema,
    "Statement": schemas.StatementSchema,
    "PaymentGatewayBody": schemas.PaymentGatewayBodySchema,
    "PaymentGateway": schemas.PaymentGatewaySchema,
    # timesheets: projects, tasks, time entries, approvals
    "ProjectBody": ts.ProjectBodySchema,
    "ProjectUpdate": ts.ProjectUpdateBodySchema(partial=True),
    "TaskBody": ts.TaskBodySchema,
    "TaskUpdate": ts.TaskBodySchema(partial=True),
    "TimeEntryBody": ts.TimeEntryBodySchema,
    "TimeEntryUpdate": ts.TimeEntryUpdateBodySchema(partial=True),
    "MarkBilledBody": ts.MarkBilledBodySchema,
    "ApprovalBody": ts.ApprovalBodySchema,
    "TimesheetCommentBody": ts.TimesheetCommentBodySchema,
    "TimesheetComment": ts.TimesheetCommentSchema,
    "TimesheetCommentList": ts.TimesheetCommentListSchema,
    "Project": ts.ProjectSchema,
    "Task": ts.TaskSchema,
    "TimeEntry": ts.TimeEntrySchema,
    "ProjectDetail": ts.ProjectDetailSchema,
    "ProjectPage": ts.ProjectPageSchema,
    "TimeEntryPage": ts.TimeEntryPageSchema,
    "TimeEntryList": ts.TimeEntryListSchema,
    "Approval": ts.ApprovalSchema,
    "ApprovalDetail": ts.ApprovalDetailSchema,
    "ApprovalPage": ts.ApprovalPageSchema,
    "Health": schemas.HealthSchema,
    "Readiness": schemas.ReadinessSchema,
}
QUERIES = {"CustomerListQuery": CustomerListQuerySchema, "MailListQuery": MailListQuerySchema,
           "FeedQuery": FeedQuerySchema, "ReviewListQuery": ReviewListQuerySchema,
           "CustomerReviewQuery": CustomerReviewQuerySchema, "ReviewQuery": ReviewQuerySchema,
           "InvoiceListQuery": InvoiceListQuerySchema, "CreditNoteQuery": CreditNoteQuerySchema,
           "PaymentQuery": PaymentQuerySchema,
           "RecurringProfileListQuery": schemas.RecurringProfileListQuerySchema,
           "StatementQuery": StatementQuerySchema(exclude=("currency",)),
           "ProjectListQuery": ts.ProjectListQuerySchema,
           "TimeEntryListQuery": ts.TimeEntryListQuerySchema,
           "ApprovalListQuery": ts.ApprovalListQuerySchema}

# quotes and sales orders (api/quotes.py, api/sales_orders.py): quotes's own schemas, named
# apart from billing's lines and comments.
COMPONENTS.update({
    "QuoteLineInput": quotes_schemas.LineInputSchema,
    "QuoteLine": quotes_schemas.LineSchema,
    "QuoteBody": quote_schemas.QuoteBodySchema,
    "QuoteUpdate": quote_schemas.QuoteUpdateBodySchema(partial=True),
    "Quote": quotes_schemas.QuoteSchema,
    "QuoteRevision": quote_schemas.QuoteRevisionSchema,
    "QuoteComment": quotes_schemas.CommentSchema,
    "QuoteDetail": quote_schemas.QuoteDetailSchema,
    "QuotePage": quote_schemas.QuotePageSchema,
    "QuoteCommentBody": quote_schemas.QuoteCommentBodySchema,
    "QuoteCommentList": quote_schemas.QuoteCommentListSchema,
    "ConvertedInvoice": quote_schemas.ConvertedInvoiceSchema,
    "QuoteConversion": quote_schemas.QuoteConversionSchema,
    "SalesOrderBody": quote_schemas.SalesOrderBodySchema,
    "SalesOrderFulfil": quotes_schemas.FulfilSchema,
    "SalesOrder": quotes_schemas.SalesOrderSchema,
    "SalesOrderPage": quote_schemas.SalesOrderPageSchema,
})
QUERIES.update({"QuoteQuery": quotes_schemas.QuoteQuerySchema,
                "SalesOrderQuery": quotes_schemas.SalesOrderQuerySchema})

ERROR_RESPONSES = {
    400: "The request is not valid (malformed JSON, wrong types, unknown or missing fields).",
    401: "No API key, or one that is not valid.",
    404: "Nothing with this id in your organization.",
    409: "The change clashes with the current state.",
    413: "The body is larger than the limit.",
    415: "The body is not JSON.",
    500: "Unexpected error (logged; no details given).",
    503: "A service behind the API is not available right now.",
}


# Request headers a view may take besides Authorization: header name → parameter component.
HEADERS = {
    "Idempotency-Key": ("IdempotencyKey", {
        "required": False, "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": "Any unique string (a UUID, say). Sent again with the same body, the "
                       "first answer is given again and nothing is created twice; with "
                       "another body it is 409 idempotency_key_reused. Longer than 255 "
                       "characters or empty: 400."}),
}


def operation(summary: str, *, tags: tuple, responses: dict, body: str | None = None,
              query: str | None = None, errors: tuple = (), public: bool = False,
              description: str = "", headers: tuple = ()):
    """Describe a view for the OpenAPI document.

    ``responses`` maps status → component name (or None for no body); ``body`` and
    ``query`` name components; ``errors`` adds error statuses beyond the usual ones;
    ``headers`` names request headers of :data:`HEADERS`.
    """

    def decorate(view):
        view.openapi = {"summary": summary, "tags": list(tags), "responses": responses,
                        "body": body, "query": query, "errors": tuple(errors),
                        "public": public, "description": description,
                        "headers": tuple(headers)}
        return view

    return decorate


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str) -> dict:
    return {"content": {"application/json": {"schema": _ref(name)}}}


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


def _operation(endpoint: str, meta: dict, path_args: list) -> dict:
    op = {"operationId": endpoint.split(".", 1)[1], "summary": meta["summary"],
          "tags": meta["tags"], "responses": {}}
    if meta["description"]:
        op["description"] = meta["description"]
    op["parameters"] = [{"in": "path", "name": arg, "required": True,
                         "schema": {"type": "string"}} for arg in path_args]
    if meta["query"]:
        op["parameters"].append({"in": "query", "schema": QUERIES[meta["query"]]})
    op["parameters"] += [HEADERS[header][0] for header in meta["headers"]]
    for status, name in meta["responses"].items():
        op["responses"][str(status)] = {"description": meta["summary"] if status < 300
                                        else ERROR_RESPONSES.get(status, ""),
                                        **(_json(name) if name else {})}
    errors = set(meta["errors"]) | {500, 503}
    if not meta["public"]:
        errors.add(401)
    if meta["body"]:
        op["requestBody"] = {"required": True, **_json(meta["body"])}
        errors |= {400, 413, 415}
    if meta["query"] or meta["headers"]:
        errors.add(400)
    if path_args:
        errors.add(404)
    for status in sorted(errors):
        op["responses"].setdefault(str(status), {"$ref": f"#/components/responses/E{status}"})
    if meta["public"]:
        op["security"] = []
    return op


def build_spec(app, blueprints=("api", "health")) -> dict:
    spec = APISpec(
        title="Customer Portal staff API", version="1.0.0", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "JSON over HTTPS. Authenticate with 'Authorization: Bearer <api "
                             "key>'. Errors are {\"error\": {\"code\", \"message\", \"details\"}}."},
        security=[{"bearerAuth": []}],
        servers=[{"url": app.config["PORTAL_BASE_URL"]}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                   "description": "An organization's API key."})
    for name, schema in COMPONENTS.items():
        spec.components.schema(name, schema=schema)
    for status, text in ERROR_RESPONSES.items():
        spec.components.response(f"E{status}", {"description": text, **_json("Error")})
    for header, (component_id, parameter) in HEADERS.items():
        spec.components.parameter(component_id, "header", {"name": header, **parameter})

    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.split(".", 1)[0] not in blueprints:
            continue
        meta = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if meta is None:
            raise LookupError(f"route {rule.rule} ({rule.endpoint}) has no OpenAPI description")
        operations = paths.setdefault(_openapi_path(rule.rule), {})
        path_args = re.findall(r"<(?:[a-z_]+:)?([a-z_]+)>", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operations[method.lower()] = _operation(rule.endpoint, meta, path_args)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
