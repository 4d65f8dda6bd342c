"""Credit notes: create, list, read."""
from flask import url_for

from billing.schemas import CreditNoteQuerySchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .billing import IDEMPOTENCY_HEADER, TAGS, customer, document, idempotency_key
from .bodies import validated_body, validated_query
from .docs import operation
from .schemas import CreditNoteBodySchema


@bp.post("/credit-notes")
@operation("Create a credit note", tags=TAGS, body="CreditNoteBody",
           responses={201: "CreditNote"}, headers=(IDEMPOTENCY_HEADER,), errors=(404, 409))
def create_credit_note():
    key = idempotency_key()
    data = validated_body(CreditNoteBodySchema())
    owner = customer(data["customer_id"])
    note = get_rpc().billing.create_credit_note(organization_id(), document(data, owner),
                                                idempotency_key=key)
    return note, 201, {"Location": url_for(".get_credit_note", credit_note_id=note["id"])}


@bp.get("/credit-notes")
@operation("List credit notes (customer, pages), newest first", tags=TAGS,
           query="CreditNoteQuery", responses={200: "CreditNotePage"},
           description="A customer_id that is not yours simply matches nothing.")
def list_credit_notes():
    query = validated_query(CreditNoteQuerySchema())
    return get_rpc().billing.credit_note_page(organization_id(), query)


@bp.get("/credit-notes/<credit_note_id>")
@operation("One credit note with its lines, where it was applied and its refunds", tags=TAGS,
           responses={200: "CreditNoteDetail"})
def get_credit_note(credit_note_id):
    return get_rpc().billing.get_credit_note(organization_id(), credit_note_id)
