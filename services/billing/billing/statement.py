"""A customer's statement: what they owe at the start of a range, each movement in it with
the running balance, and what they owe at its end — in one currency.

Movement types and their effect on the balance:

    invoice           + total   (sent invoices; drafts and void ones never appear)
    retainer_invoice    0       (informational: the payment on it is what counts)
    payment           − amount
    credit_note       − total
    refund            + amount  (money given back out of a credit, a payment or a retainer)
    retainer_applied    0       (informational: a retainer drawn on an invoice)

so that opening + invoiced − paid − credited = closing, with paid = payments − refunds.
Movements are ordered by (date, type rank, row id).

Linear whatever the statement's length: pages are keyset-paginated. Each branch of the
UNION ALL reads one table through its (organization_id, customer_id, date, id) index with
its own keyset condition, ORDER BY and LIMIT, so a page reads at most ``limit + 1`` rows per
branch. The opaque cursor carries the position (date, rank, id), the running balance and
the range's totals, so later pages add nothing but their own rows. The totals and the
opening balance are SQL aggregates, computed once on the first page. The cursor travels
through the customer's browser, so it is signed (HMAC-SHA256 with SECRET_KEY): a changed
one is refused rather than believed.
"""
import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal

from sqlalchemy import (Integer, String, and_, cast, func, literal, null, select, tuple_,
                        union_all)
from sqlalchemy.orm import aliased

from portal_common.errors import load_or_refuse as load
from portal_common.money import to_wire
from portal_common.settings import secret_key

from . import schemas
from .exceptions import StatementRangeInvalid
from .models import CreditApplication, CreditNote, Invoice, Payment, Refund

ZERO = Decimal(0)
HIDDEN = ("draft", "void")
# (type, rank, sign): rank orders movements of one day; sign is the effect on the balance.
TYPES = {"invoice": (0, 1), "retainer_invoice": (1, 0), "payment": (2, -1),
         "credit_note": (3, -1), "refund": (4, 1), "retainer_applied": (5, 0)}


@dataclass(frozen=True)
class Scope:
    organization_id: str
    customer_id: str
    currency: str
    start: Date
    end: Date


def _after(date_col, id_col, rank: int, cursor: dict | None, start: Date):
    """The keyset condition of one branch: rows after the cursor's (date, rank, id)."""
    if cursor is None:
        return date_col >= start
    last_date, last_rank = Date.fromisoformat(cursor["date"]), cursor["rank"]
    if rank > last_rank:
        return date_col >= last_date
    if rank < last_rank:
        return date_col > last_date
    return tuple_(date_col, id_col) > tuple_(literal(last_date), literal(cursor["id"]))


def _branch(kind: str, model, scope: Scope, cursor, limit, where, document_id, number,
            amount, detail=None, joins=()):
    rank, _ = TYPES[kind]
    query = select(model.date.label("date"), literal(rank, Integer).label("rank"),
                   model.id.label("key_id"), literal(kind, String).label("type"),
                   document_id.label("document_id"), number.label("number"),
                   amount.label("amount"),
                   (detail if detail is not None else cast(null(), String)).label("detail"))
    for target, on in joins:
        query = query.join(target, on)
    query = (query.where(model.organization_id == scope.organization_id,
                         model.customer_id == scope.customer_id,
                         _after(model.date, model.id, rank, cursor, scope.start),
                         model.date <= scope.end, *where)
             .order_by(model.date, model.id).limit(limit))
    return select(query.subquery())


def movement_query(scope: Scope, cursor: dict | None, limit: int):
    """The page's movements: the six branches, each limited, merged in statement order."""
    applied_to, retainer = aliased(Invoice), aliased(Invoice)
    live_invoice = (Invoice.currency == scope.currency, Invoice.status.notin_(HIDDEN))
    branches = [
        _branch("invoice", Invoice, scope, cursor, limit,
                (*live_invoice, Invoice.kind == "invoice"), Invoice.id, Invoice.number,
                Invoice.total, detail=cast(Invoice.due_date, String)),
        _branch("retainer_invoice", Invoice, scope, cursor, limit,
                (*live_invoice, Invoice.kind == "retainer"), Invoice.id, Invoice.number,
                Invoice.total),
        _branch("payment", Payment, scope, cursor, limit, (Payment.currency == scope.currency,),
                Payment.id, Payment.number, Payment.amount, detail=Payment.mode),
        _branch("credit_note", CreditNote, scope, cursor, limit,
                (CreditNote.currency == scope.currency,), CreditNote.id, CreditNote.number,
                CreditNote.total),
        _branch("refund", Refund, scope, cursor, limit, (Refund.currency == scope.currency,),
                Refund.id, Refund.number, Refund.amount, detail=Refund.source),
        _branch("retainer_applied", CreditApplication, scope, cursor, limit,
                (CreditApplication.source == "retainer",
                 applied_to.currency == scope.currency),
                applied_to.id, applied_to.number, CreditApplication.amount,
                detail=retainer.number,
                joins=((applied_to, applied_to.id == CreditApplication.invoice_id),
                       (retainer, retainer.id == CreditApplication.retainer_invoice_id))),
    ]
    movements = union_all(*branches).subquery()
    return (select(movements)
            .order_by(movements.c.date, movements.c.rank, movements.c.key_id).limit(limit))


def _sum(session, column, model, scope: Scope, before: bool, *where) -> Decimal:
    in_range = (model.date < scope.start if before
                else and_(model.date >= scope.start, model.date <= scope.end))
    value = session.scalar(select(func.coalesce(func.sum(column), 0)).where(
        model.organization_id == scope.organization_id, model.customer_id == scope.customer_id,
        model.currency == scope.currency, in_range, *where))
    return Decimal(str(value))


def _figures(session, scope: Scope, before: bool) -> dict:
    """invoiced, paid (payments − refunds) and credited, before the range or within it."""
    invoiced = _sum(session, Invoice.total, Invoice, scope, before,
                    Invoice.kind == "invoice", Invoice.status.notin_(HIDDEN))
    paid = (_sum(session, Payment.amount, Payment, scope, before)
            - _sum(session, Refund.amount, Refund, scope, before))
    credited = _sum(session, CreditNote.total, CreditNote, scope, before)
    return {"invoiced": invoiced, "paid": paid, "credited": credited}


def _totals(session, scope: Scope) -> dict:
    earlier = _figures(session, scope, before=True)
    opening = earlier["invoiced"] - earlier["paid"] - earlier["credited"]
    within = _figures(session, scope, before=False)
    return {"opening_balance": opening, **within,
            "closing_balance": opening + within["invoiced"] - within["paid"]
            - within["credited"]}


def _describe(kind: str, number: str, detail) -> str:
    if kind == "invoice":
        return f"Invoice {number} (due {detail})"
    if kind == "retainer_invoice":
        return f"Retainer invoice {number}"
    if kind == "payment":
        return f"Payment {number} ({detail.replace('_', ' ')})"
    if kind == "credit_note":
        return f"Credit note {number}"
    if kind == "refund":
        return f"Refund {number} (from a {detail.replace('_', ' ')})"
    return f"Retainer {detail} applied to {number}"


# --- the cursor: opaque to callers, checked against the query it belongs to ---------------

def _signature(body: bytes) -> str:
    key = hashlib.sha256(b"billing.statement-cursor:" + secret_key().encode()).digest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()[:32]


def _encode(state: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode())
    return f"{body.decode()}.{_signature(body)}"


def _decode(cursor: str, scope: Scope) -> dict:
    try:
        body, signature = cursor.rsplit(".", 1)
        if not hmac.compare_digest(signature, _signature(body.encode())):
            raise ValueError("signature")
        state = json.loads(base64.urlsafe_b64decode(body.encode()))
        belongs = (state["scope"] == [scope.customer_id, scope.currency,
                                      scope.start.isoformat(), scope.end.isoformat()])
        Date.fromisoformat(state["date"]), int(state["rank"]), str(state["id"])
        {k: Decimal(v) for k, v in state["totals"].items()}, Decimal(state["balance"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        belongs = False
    if not belongs:
        raise StatementRangeInvalid("The cursor does not belong to this statement.",
                                    {"cursor": ["Not a cursor of this statement."]})
    return state


def statement_page(session, organization_id: str, customer_id: str, query: dict) -> dict:
    values = load(schemas.StatementQuerySchema(), query)
    if values["end"] < values["start"]:
        raise StatementRangeInvalid("The statement ends before it starts.",
                                    {"end": ["Must not be before start."]})
    scope = Scope(organization_id, customer_id, values["currency"].upper(), values["start"],
                  values["end"])
    currency, limit = scope.currency, values["limit"]
    if values["cursor"]:
        state = _decode(values["cursor"], scope)
        totals = {k: Decimal(v) for k, v in state["totals"].items()}
        balance = Decimal(state["balance"])
    else:
        state, totals = None, _totals(session, scope)
        balance = totals["opening_balance"]
    rows = session.execute(movement_query(scope, state, limit + 1)).all()
    has_more = len(rows) > limit
    movements = []
    for row in rows[:limit]:
        effect = TYPES[row.type][1] * Decimal(str(row.amount))
        balance += effect
        movements.append({"date": row.date.isoformat(), "type": row.type,
                          "document_id": row.document_id, "number": row.number,
                          "description": _describe(row.type, row.number, row.detail),
                          "amount": to_wire(Decimal(str(row.amount)), currency),
                          "effect": to_wire(effect, currency),
                          "balance": to_wire(balance, currency)})
    next_cursor = None
    if has_more:
        last = rows[limit - 1]
        next_cursor = _encode({
            "scope": [customer_id, currency, scope.start.isoformat(), scope.end.isoformat()],
            "date": last.date.isoformat(), "rank": last.rank, "id": last.key_id,
            "balance": str(balance), "totals": {k: str(v) for k, v in totals.items()}})
    return {"currency": currency, "start": scope.start.isoformat(),
            "end": scope.end.isoformat(),
            **{k: to_wire(v, currency) for k, v in totals.items()},
            "movements": movements, "next_cursor": next_cursor}
