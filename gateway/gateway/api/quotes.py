"""Quotes: create, list, read, change, send (again), convert an accepted quote into an
invoice; and the staff's side of the comment thread.

As for invoices (.billing), the body's customer is checked with identity first and gives
the currency unless one is sent, and a create takes an ``Idempotency-Key``. Changing a
declined or expired quote makes its next revision (a draft again, to be sent again); the
quotes service decides that, and refuses to change an accepted or invoiced one.
"""
from flask import url_for

from quotes.schemas import QuoteQuerySchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .billing import IDEMPOTENCY_HEADER, customer, document, idempotency_key
from .bodies import validated_body, validated_query
from .docs import operation
from .quote_schemas import QuoteBodySchema, QuoteCommentBodySchema, QuoteUpdateBodySchema

TAGS = ("quotes",)
LINE_FIELDS = ("name", "description", "quantity", "rate", "discount", "tax_id")
# What update_quote takes besides the lines, kept from the current revision unless sent.
KEPT_FIELDS = ("date", "expiry_date", "currency", "reference", "notes", "terms")


@bp.post("/quotes")
@operation("Create a draft quote", tags=TAGS, body="QuoteBody", responses={201: "Quote"},
           headers=(IDEMPOTENCY_HEADER,), errors=(404, 409),
           description="The currency is the customer's unless given; number is given "
                       "(QT-00001, …) unless sent.")
def create_quote():
    key = idempotency_key()
    data = validated_body(QuoteBodySchema())
    owner = customer(data["customer_id"])
    quote = get_rpc().quotes.create_quote(organization_id(), document(data, owner),
                                          idempotency_key=key)
    return quote, 201, {"Location": url_for(".get_quote", quote_id=quote["id"])}


@bp.get("/quotes")
@operation("List quotes (customer, status, sort, pages), newest first by default",
           tags=TAGS, query="QuoteQuery", responses={200: "QuotePage"},
           description="status is the effective one (a sent quote past its expiry date is "
                       "expired); awaiting = sent or viewed and not expired.")
def list_quotes():
    query = validated_query(QuoteQuerySchema())
    return get_rpc().quotes.list_quote_page(organization_id(), query)


@bp.get("/quotes/<quote_id>")
@operation("One quote with its lines, revisions and comments", tags=TAGS,
           responses={200: "QuoteDetail"},
           description="first_viewed_at is when the customer first opened this revision in "
                       "the portal.")
def get_quote(quote_id):
    return get_rpc().quotes.get_quote(organization_id(), quote_id)


@bp.patch("/quotes/<quote_id>")
@operation("Change a quote; a declined or expired one becomes its next revision (a draft)",
           tags=TAGS, body="QuoteUpdate", responses={200: "Quote"}, errors=(409,),
           description="Fields not given keep their value, except the line items, which "
                       "must be sent again whole. An accepted or invoiced quote cannot be "
                       "changed (409).")
def update_quote(quote_id):
    data = validated_body(QuoteUpdateBodySchema(), partial=True)
    rpc = get_rpc()
    current = rpc.quotes.get_quote(organization_id(), quote_id)
    merged = {field: current[field] for field in KEPT_FIELDS}
    merged["lines"] = [{field: line[field] for field in LINE_FIELDS if field in line}
                       for line in current["lines"]]
    merged.update(document(data, None))
    return rpc.quotes.update_quote(organization_id(), quote_id, merged)


@bp.post("/quotes/<quote_id>/send")
@operation("Send a draft quote to the customer, or send a sent one again", tags=TAGS,
           responses={200: "Quote"}, errors=(409,))
def send_quote(quote_id):
    return get_rpc().quotes.send_quote(organization_id(), quote_id)


@bp.post("/quotes/<quote_id>/convert-to-invoice")
@operation("Turn an accepted quote into a sent invoice (the quote becomes invoiced)",
           tags=TAGS, responses={201: "QuoteConversion"}, errors=(409,),
           description="Once only: a quote already invoiced is a 409 whose details name "
                       "its invoice. Location is the invoice's address.")
def convert_quote(quote_id):
    converted = get_rpc().quotes.convert_quote_to_invoice(organization_id(), quote_id)
    return converted, 201, {"Location": url_for(".get_invoice",
                                                invoice_id=converted["invoice"]["id"])}


# --- comments ----------------------------------------------------------------------------

@bp.post("/quotes/<quote_id>/comments")
@operation("Comment on a quote as staff", tags=TAGS, body="QuoteCommentBody",
           responses={201: "QuoteComment"},
           description="The customer sees it in the portal only if show_in_portal is true, "
                       "and is emailed it too if email_customer is; author_name is 'Staff' "
                       "unless given. Plain text only.")
def add_quote_comment(quote_id):
    data = validated_body(QuoteCommentBodySchema())
    data.setdefault("author_name", "Staff")
    data.setdefault("show_in_portal", False)
    data.setdefault("email_customer", False)
    return get_rpc().quotes.add_quote_comment(organization_id(), quote_id, data), 201


@bp.get("/quotes/<quote_id>/comments")
@operation("A quote's comments, the staff's and the customer's, oldest first", tags=TAGS,
           responses={200: "QuoteCommentList"})
def list_quote_comments(quote_id):
    return {"items": get_rpc().quotes.list_quote_comments(organization_id(), quote_id)}
