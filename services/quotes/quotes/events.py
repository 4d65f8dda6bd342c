"""The events quotes publishes: one schema each, past-tense names. Amounts are strings.

Activity events (what notify turns into staff emails and feed lines) carry the customer,
the contact who acted (null when staff did) and the document {type, id, number}; a quote's
number stays the same across revisions, so its events add the ``revision``.
"""
from marshmallow import fields

from portal_common.document_events import CommentEvent, activity_schema, document_schema

Document = document_schema()  # quote | sales_order (not checked)
_Activity = activity_schema(Document)


class _QuoteActivity(_Activity):
    revision = fields.Integer(required=True)
    currency = fields.String(required=True)
    total = fields.String(required=True)


class QuoteSent(_QuoteActivity):
    """Staff sent (or re-sent) the quote to the customer; no contact acted."""


class QuoteViewed(_QuoteActivity):
    """A contact opened this revision of the quote in the portal for the first time."""


class QuoteAccepted(_QuoteActivity):
    signature_name = fields.String(required=True, allow_none=True)
    decided_by_name = fields.String(required=True)


class QuoteDeclined(_QuoteActivity):
    reason = fields.String(required=True)  # may be ""
    decided_by_name = fields.String(required=True)


class QuoteInvoiced(_QuoteActivity):
    invoice_id = fields.String(required=True)
    invoice_number = fields.String(required=True)


class SalesOrderViewed(_Activity):
    """A contact opened the sales order in the portal for the first time."""


class CommentAdded(CommentEvent):
    """A customer commented on one of their quotes in the portal (billing's shape)."""


class StaffReplied(CommentEvent):
    """Staff commented, shown in the portal, and asked to email the customer's contact."""

    contact_id = fields.String(required=True)


SCHEMAS = {
    "quote_sent": QuoteSent(),
    "quote_viewed": QuoteViewed(),
    "quote_accepted": QuoteAccepted(),
    "quote_declined": QuoteDeclined(),
    "quote_invoiced": QuoteInvoiced(),
    "sales_order_viewed": SalesOrderViewed(),
    "comment_added": CommentAdded(),
    "staff_replied": StaffReplied(),
}
