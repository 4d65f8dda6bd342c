"""How notify words a payment: the method, the invoices it paid, why it failed.

billing's ``payment_succeeded`` and ``payment_failed`` name the invoices as
``[{invoice_id, number, amount}]`` in the payment's currency, the method as
``card``, ``saved_card`` or ``ach``, and a failure by its Cp code (with the
remedy, ``{"es", "en"}``) or, for an ordinary decline, the gateway's message.
The meaning of a Cp code ("what went wrong") comes from the one table the
services share, :mod:`portal_common.payment_codes`, in the staff's language.
"""
from portal_common.payment_codes import CODES

METHODS = {
    "card": {"es": "tarjeta", "en": "card"},
    "saved_card": {"es": "tarjeta guardada", "en": "saved card"},
    "ach": {"es": "cuenta bancaria (ACH)", "en": "bank account (ACH)"},
}

INVOICE_NOUN = {"es": ("factura", "facturas"), "en": ("invoice", "invoices")}


def method_label(method, language: str) -> str | None:
    if not method:
        return None
    return METHODS[method][language] if method in METHODS else str(method)


def _number(invoice: dict) -> str:
    return invoice.get("number") or invoice.get("invoice_id") or ""


def invoice_lines(invoices, currency) -> str | None:
    """'INV-000001: 1210.00 EUR', one line per invoice the payment names."""
    if not invoices:
        return None
    suffix = f" {currency}" if currency else ""
    return "\n".join(f"{_number(invoice)}: {invoice['amount']}{suffix}"
                     if invoice.get("amount") else _number(invoice) for invoice in invoices)


def invoice_list(invoices, language: str) -> str | None:
    """'factura INV-000001' or 'facturas INV-000001, INV-000002', for a feed line."""
    if not invoices:
        return None
    one, many = INVOICE_NOUN[language]
    numbers = ", ".join(_number(invoice) for invoice in invoices)
    return f"{one if len(invoices) == 1 else many} {numbers}"


def meaning(cp_code, language: str) -> str | None:
    """What went wrong, for staff: the seed's text of the code (None for no or an unknown code)."""
    code = CODES.get(cp_code) if cp_code else None
    return code.meaning()[language] if code is not None else None


def remedy(cp_code, language: str) -> str | None:
    """What staff can do, from the table, when an event names a code but no remedy."""
    code = CODES.get(cp_code) if cp_code else None
    return code.remedy()[language] if code is not None else None
