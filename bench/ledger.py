"""Billing documents for the benchmark, built as rows for billing's tables (see bench/bulk.py).

``Ledger`` keeps billing's invariants as billing's own commands would leave
them: totals are the rounded line plus its tax, a payment's applications lower
the invoices' balances (status partially_paid or paid), a credit note's
remaining and a payment's unapplied part are what was not drawn, a retainer's
available balance is what was paid on it less what was drawn, numbers run per
organization (INV-, RET-, CN-, PAY-, RFD-). It only builds rows; ``write``
COPYs them (and can be called again as more are built).
"""
import datetime
from decimal import Decimal

from billing import models
from portal_common.db import new_id

from .bulk import copy_rows

ZERO = Decimal(0)
CENT = Decimal("0.01")
TAX_RATE = Decimal("21")
MODES = ("bank_transfer", "cash", "cheque", "other")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def _has(model, column: str) -> bool:
    return column in model.__table__.c


class Ledger:
    def __init__(self, organization_id: str, currency: str = "EUR"):
        self.organization_id = organization_id
        self.currency = currency
        self.counters: dict[str, int] = {}
        self.tables: dict = {}
        # Rows a customer statement shows (invoices, retainers, payments, credit notes,
        # refunds, retainer draws; not drafts or void invoices), counted as they are built.
        self.movements = 0
        self.tax_id = self._add(models.Tax, organization_id=organization_id, name="IVA 21%",
                                rate=TAX_RATE, is_default=True)["id"]

    # --- rows ---------------------------------------------------------------------

    def _add(self, model, **values) -> dict:
        row = dict(values)
        if "id" not in row:
            row["id"] = new_id()
        self.tables.setdefault(model.__table__, []).append(row)
        return row

    def _number(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]:06d}"

    def _stamp(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(9), datetime.timezone.utc)

    # --- documents ----------------------------------------------------------------

    def invoice(self, customer_id: str, day: datetime.date, subtotal: Decimal,
                status: str = "sent", kind: str = "invoice", terms: int = 30) -> dict:
        """A sent (or draft/void/viewed) invoice of one taxed line; balance = total."""
        subtotal = money(subtotal)
        tax = money(subtotal * TAX_RATE / 100)
        total = subtotal + tax
        row = self._add(
            models.Invoice, organization_id=self.organization_id, customer_id=customer_id,
            kind=kind, number=self._number("RET-" if kind == "retainer" else "INV-"),
            date=day, due_date=day + datetime.timedelta(days=terms), currency=self.currency,
            status=status, allow_partial_payments=True, notes="",
            subtotal=subtotal, tax_total=tax, total=total,
            balance=ZERO if status == "void" else total, retainer_available=ZERO,
            sent_at=None if status == "draft" else self._stamp(day),
            first_viewed_at=(self._stamp(day + datetime.timedelta(days=1))
                             if status == "viewed" else None),
            voided_at=self._stamp(day + datetime.timedelta(days=2)) if status == "void" else None,
            created_at=self._stamp(day))
        self.movements += status not in ("draft", "void")
        self._add(models.InvoiceLine, invoice_id=row["id"], position=1,
                  name="Servicios profesionales" if kind == "invoice" else "Anticipo",
                  description="", quantity=Decimal(1), rate=subtotal, discount=ZERO,
                  tax_id=self.tax_id, amount=subtotal, tax_amount=tax)
        return row

    def _settle(self, invoice: dict, amount: Decimal) -> None:
        invoice["balance"] -= amount
        invoice["status"] = "paid" if invoice["balance"] == 0 else "partially_paid"

    def payment(self, customer_id: str, day: datetime.date, amount: Decimal,
                applied_to: list[tuple[dict, Decimal]] = ()) -> dict:
        """A payment applied to invoices (retainers gain available balance); rest unapplied."""
        amount = money(amount)
        applied = sum((a for _, a in applied_to), ZERO)
        assert applied <= amount
        values = dict(organization_id=self.organization_id, customer_id=customer_id,
                      amount=amount, unapplied=amount - applied, currency=self.currency,
                      date=day, mode=MODES[self.counters.get("PAY-", 0) % len(MODES)],
                      reference="", created_at=self._stamp(day))
        number = self._number("PAY-")
        if _has(models.Payment, "number"):
            values["number"] = number
        row = self._add(models.Payment, **values)
        self.movements += 1
        for invoice, part in applied_to:
            self._settle(invoice, part)
            if invoice["kind"] == "retainer":
                invoice["retainer_available"] += part
            self._add(models.PaymentApplication, payment_id=row["id"], invoice_id=invoice["id"],
                      amount=part)
        return row

    def credit_note(self, customer_id: str, day: datetime.date, subtotal: Decimal) -> dict:
        subtotal = money(subtotal)
        tax = money(subtotal * TAX_RATE / 100)
        row = self._add(models.CreditNote, organization_id=self.organization_id,
                        customer_id=customer_id, number=self._number("CN-"), date=day,
                        currency=self.currency, subtotal=subtotal, tax_total=tax,
                        total=subtotal + tax, remaining=subtotal + tax,
                        created_at=self._stamp(day))
        self.movements += 1
        self._add(models.CreditNoteLine, credit_note_id=row["id"], position=1,
                  name="Abono", description="", quantity=Decimal(1), rate=subtotal,
                  discount=ZERO, tax_id=self.tax_id, amount=subtotal, tax_amount=tax)
        return row

    def apply(self, source: dict, kind: str, invoice: dict, amount: Decimal,
              day: datetime.date) -> dict:
        """Draw a credit note's remaining, a payment's unapplied or a retainer's available."""
        available = {"credit_note": "remaining", "payment": "unapplied",
                     "retainer": "retainer_available"}[kind]
        assert ZERO < amount <= source[available] and amount <= invoice["balance"]
        source[available] -= amount
        self._settle(invoice, amount)
        values = dict(organization_id=self.organization_id, customer_id=invoice["customer_id"],
                      source=kind, invoice_id=invoice["id"], amount=amount,
                      credit_note_id=source["id"] if kind == "credit_note" else None,
                      payment_id=source["id"] if kind == "payment" else None,
                      retainer_invoice_id=source["id"] if kind == "retainer" else None,
                      applied_at=self._stamp(day))
        if _has(models.CreditApplication, "date"):
            values["date"] = day
        self.movements += kind == "retainer"
        return self._add(models.CreditApplication, **values)

    def refund(self, source: dict, kind: str, amount: Decimal, day: datetime.date) -> dict | None:
        """Money given back out of what is left on a source; None if billing has no refunds."""
        if not hasattr(models, "Refund"):
            return None
        available = {"credit_note": "remaining", "payment": "unapplied",
                     "retainer": "retainer_available"}[kind]
        assert ZERO < amount <= source[available]
        source[available] -= amount
        self.movements += 1
        return self._add(models.Refund, organization_id=self.organization_id,
                         customer_id=source["customer_id"], number=self._number("RFD-"),
                         source=kind, source_id=source["id"], amount=amount,
                         currency=self.currency, date=day, mode="bank_transfer", reference="",
                         created_at=self._stamp(day))

    # --- writing --------------------------------------------------------------------

    def write(self, connection) -> int:
        """COPY the rows built so far (parents before children) and forget them."""
        order = [models.Tax, models.Invoice, models.InvoiceLine, models.CreditNote,
                 models.CreditNoteLine, models.Payment, models.PaymentApplication,
                 models.CreditApplication]
        if hasattr(models, "Refund"):
            order.append(models.Refund)
        written = 0
        for model in order:
            written += copy_rows(connection, model.__table__,
                                 self.tables.pop(model.__table__, []))
        assert not self.tables, f"rows for tables not written: {list(self.tables)}"
        return written

    def write_counters(self, connection) -> None:
        """Leave billing's number counters past the numbers used, so documents created
        later through billing do not collide with these (once, after the last write)."""
        if hasattr(models, "DocumentCounter"):
            copy_rows(connection, models.DocumentCounter.__table__, [
                {"organization_id": self.organization_id, "prefix": prefix, "last_number": n}
                for prefix, n in self.counters.items()])
