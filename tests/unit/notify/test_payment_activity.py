"""billing's payment_succeeded and payment_failed as staff and the paying contact hear of them:
the staff "payment made" / "payment failed" (email and feed, as the organization's
preferences say) and the customer's receipt, with the payloads billing publishes.

nameko's worker_factory with a real SQLite session, a recording transport and a stand-in
for identity's get_activity_context."""
import uuid
from datetime import datetime, timezone

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from notify.dateformat import format_date
from notify.models import FeedEntry, OutgoingMail
from notify.service import NotifyService
from portal_common.payment_codes import CODES
from tests.unit.notify.conftest import BASE_URL, ORG_ID

STAFF = "staff@talleres.example"
MARTA = "marta@ferreteria.example"
# 23:30 UTC on 30 November is already 1 December in Madrid: the receipt says the local day.
PAID_AT = datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)


@pytest.fixture
def service(session, transport, identity):
    return worker_factory(NotifyService, db=session, transport=transport, identity=identity)


def billing_event(event_type, payload, *, event_id=None):
    """An envelope as billing's outbox relay publishes it."""
    return {"event_id": event_id or str(uuid.uuid4()), "event_type": event_type,
            "occurred_at": PAID_AT.isoformat(), "organization_id": ORG_ID,
            "payload": {"customer_id": "cus-1", **payload}}


def payment_succeeded(*, contact_id="con-1", method="card", date=None, **kwargs):
    """billing.events.PaymentSucceeded; without ``date`` the receipt uses the event's time."""
    return billing_event("payment_succeeded", {
        "payment_id": "pay-1", "number": "PAY-000042", "attempt_id": "att-1",
        "contact_id": contact_id, "amount": "1234.50", "currency": "EUR", "method": method,
        **({"date": date} if date else {}),
        "invoices": [{"invoice_id": "inv-7", "number": "INV-000007", "amount": "1000.00"},
                     {"invoice_id": "inv-9", "number": "INV-000009", "amount": "234.50"}]},
        **kwargs)


def payment_failed(*, cp_code=None, decline_code=None, message="", remedy=None,
                   invoices=None, **kwargs):
    return billing_event("payment_failed", {
        "attempt_id": "att-1", "contact_id": "con-1", "amount": "120.00", "currency": "EUR",
        "method": "saved_card",
        "invoices": invoices or [{"invoice_id": "inv-7", "number": "INV-000007",
                                  "amount": "120.00"}],
        "cp_code": cp_code, "decline_code": decline_code, "message": message,
        "remedy": remedy}, **kwargs)


def _text(sent):
    return sent["message"].get_body(("plain",)).get_content()


def _html(sent):
    return sent["message"].get_body(("html",)).get_content()


def _to(transport, address):
    return [sent for sent in transport.sent if sent["recipients"] == [address]]


# --- a payment made ------------------------------------------------------------------------

def test_a_payment_tells_staff_who_paid_how_much_and_which_invoices(service, transport, session):
    service.on_payment_succeeded(payment_succeeded())
    [staff] = _to(transport, STAFF)
    assert staff["message"]["Subject"] == (
        "Ferretería Central ha realizado un pago de 1234.50 EUR (PAY-000042)")
    text = _text(staff)
    assert "Marta Ibáñez (Ferretería Central) ha realizado un pago de 1234.50 EUR" in text
    assert "Contacto: Marta Ibáñez\nCorreo: marta@ferreteria.example\n" in text
    assert "Pago: PAY-000042\nImporte: 1234.50 EUR\nForma de pago: tarjeta\n" in text
    assert "Facturas pagadas:\nINV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR\n" in text

    entry = session.scalar(select(FeedEntry))
    assert entry.kind == "payment_made"
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha realizado un pago de "
                             "1234.50 EUR (pago PAY-000042): facturas INV-000007, INV-000009")
    assert entry.document == {"type": "payment", "id": "pay-1", "number": "PAY-000042"}
    assert (entry.customer_id, entry.contact_id) == ("cus-1", "con-1")
    assert entry.details["amount"] == "1234.50" and entry.details["currency"] == "EUR"
    assert [i["number"] for i in entry.details["invoices"]] == ["INV-000007", "INV-000009"]


def test_the_paying_contact_gets_a_receipt_with_a_link_to_it(service, transport):
    service.on_payment_succeeded(payment_succeeded())
    [receipt] = _to(transport, MARTA)
    message = receipt["message"]
    assert message["Subject"] == "Recibo de su pago PAY-000042 a Talleres Norte S.L."
    assert message["Reply-To"] == STAFF
    text = _text(receipt)
    assert text.startswith("Hola, Marta Ibáñez:\n\nHemos recibido su pago de 1234.50 EUR.")
    assert "Pago: PAY-000042\nFecha: 1 de diciembre de 2026\nImporte: 1234.50 EUR\n" in text
    assert "Facturas pagadas:\nINV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR\n" in text
    link = f"{BASE_URL}/portal/talleres/payments/pay-1"
    assert link in text
    html = _html(receipt)
    assert f'href="{link}"' in html and "Ver el recibo" in html


def test_the_receipt_is_in_the_customers_language_and_staff_keep_theirs(
        service, transport, identity):
    identity.customers["cus-1"][1]["language"] = "en"
    service.on_payment_succeeded(payment_succeeded(method="ach"))
    [receipt] = _to(transport, MARTA)
    assert receipt["message"]["Subject"] == (
        "Receipt for your payment PAY-000042 to Talleres Norte S.L.")
    text = _text(receipt)
    assert "Hello Marta Ibáñez,\n\nWe have received your payment of 1234.50 EUR." in text
    assert "Date: December 1, 2026\nAmount: 1234.50 EUR\nMethod: bank account (ACH)\n" in text
    assert "Invoices paid:\nINV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR\n" in text
    assert "View the receipt" in _html(receipt)
    [staff] = _to(transport, STAFF)
    assert "Forma de pago: cuenta bancaria (ACH)" in _text(staff)


def test_a_replayed_payment_gives_one_entry_one_staff_email_and_one_receipt(
        service, transport, session, identity):
    event = payment_succeeded()
    service.on_payment_succeeded(event)
    service.on_payment_succeeded(event)
    assert sorted(sent["recipients"][0] for sent in transport.sent) == [MARTA, STAFF]
    assert session.scalar(select(func.count()).select_from(FeedEntry)) == 1
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 2
    assert len(identity.calls) == 1


def test_the_receipt_goes_even_when_staff_turned_payment_notices_off(
        service, transport, session):
    service.update_notification_preference(ORG_ID, "payment_made",
                                           {"email": False, "feed": False})
    service.on_payment_succeeded(payment_succeeded())
    assert [sent["recipients"] for sent in transport.sent] == [[MARTA]]
    assert session.scalar(select(func.count()).select_from(FeedEntry)) == 0


def test_without_a_paying_contact_staff_hear_of_it_and_no_receipt_is_sent(
        service, transport, session, identity):
    service.on_payment_succeeded(payment_succeeded(contact_id=None))
    assert identity.calls == [(ORG_ID, "cus-1", None)]
    [staff] = transport.sent
    assert staff["recipients"] == [STAFF]
    assert "Ferretería Central ha realizado un pago de 1234.50 EUR" in _text(staff)
    assert session.scalar(select(FeedEntry.summary)).startswith(
        "Ferretería Central ha realizado un pago")


def test_staff_can_reword_the_receipt(service, transport):
    service.put_email_template(ORG_ID, "payment_receipt", "es", {
        "subject": "Gracias por su pago {{ payment_number }}",
        "body": "{{ contact_name }}, recibimos {{ amount }} el {{ payment_date }}.\n"
                "{% if invoices %}{{ invoices }}\n{% endif %}{{ receipt_url }}\n"})
    service.on_payment_succeeded(payment_succeeded())
    [receipt] = _to(transport, MARTA)
    assert receipt["message"]["Subject"] == "Gracias por su pago PAY-000042"
    assert _text(receipt) == (
        "Marta Ibáñez, recibimos 1234.50 EUR el 1 de diciembre de 2026.\n"
        "INV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR\n"
        f"{BASE_URL}/portal/talleres/payments/pay-1\n")


def test_a_payment_event_without_its_number_or_amount_is_rejected(service, transport, session):
    event = payment_succeeded()
    del event["payload"]["number"], event["payload"]["amount"]
    service.on_payment_succeeded(event)
    assert transport.sent == []
    assert session.scalar(select(func.count()).select_from(FeedEntry)) == 0


# --- a payment failed ----------------------------------------------------------------------

def test_a_refusal_with_a_cp_code_tells_staff_the_code_what_went_wrong_and_the_remedy(
        service, transport, session, identity):
    identity.organizations[ORG_ID]["language"] = "en"
    code = CODES["Cp3003"]
    service.on_payment_failed(payment_failed(
        cp_code="Cp3003", message=code.customer_en, remedy=code.remedy()))
    [staff] = transport.sent              # staff only: no receipt for a failure
    assert staff["recipients"] == [STAFF]
    assert staff["message"]["Subject"] == "A payment by Ferretería Central failed (Cp3003)"
    text = _text(staff)
    assert "Marta Ibáñez (Ferretería Central) tried to pay 120.00 EUR" in text
    assert "Method: saved card\n" in text and "Invoices:\nINV-000007: 120.00 EUR\n" in text
    assert ("Error code: Cp3003\n"
            "What went wrong: The payment was declined by the fraud detection filters set up "
            "on your merchant account.\n"
            "What you can do: Check whether the transaction was fraudulent. Adjust your fraud "
            "filters if needed.\n") in text

    entry = session.scalar(select(FeedEntry))
    assert entry.kind == "payment_failed"
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) could not pay 120.00 EUR "
                             "(invoice INV-000007): Cp3003")
    assert entry.document == {"type": "invoice", "id": "inv-7", "number": "INV-000007"}
    assert entry.details["cp_code"] == "Cp3003"
    assert entry.details["remedy"] == code.remedy()


def test_the_spanish_staff_email_quotes_the_seeds_table(service, transport):
    service.on_payment_failed(payment_failed(cp_code="Cp2001", remedy=CODES["Cp2001"].remedy()))
    [staff] = transport.sent
    assert staff["message"]["Subject"] == "Ha fallado un pago de Ferretería Central (Cp2001)"
    assert ("Código de error: Cp2001\n"
            "¿Qué salió mal? Usted no ha configurado impuestos predeterminados para su "
            "organización.\n"
            "¿Qué puede hacer? Vaya a Configuración > Impuestos y cree un impuesto "
            "predeterminado.\n") in _text(staff)


def test_a_decline_without_a_cp_code_gives_staff_the_gateways_reason(
        service, transport, session):
    service.on_payment_failed(payment_failed(
        decline_code="insufficient_funds", message="Your card has insufficient funds.",
        invoices=[{"invoice_id": "inv-7", "number": "INV-000007", "amount": "100.00"},
                  {"invoice_id": "inv-9", "number": "INV-000009", "amount": "20.00"}]))
    [staff] = transport.sent
    assert staff["message"]["Subject"] == "Ha fallado un pago de Ferretería Central"
    text = _text(staff)
    assert ("La pasarela de pago rechazó el pago: Your card has insufficient funds. "
            "(insufficient_funds)") in text
    assert "Código de error" not in text and "¿Qué salió mal?" not in text
    entry = session.scalar(select(FeedEntry))
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) no ha podido pagar 120.00 EUR "
                             "(facturas INV-000007, INV-000009): "
                             "Your card has insufficient funds.")
    assert entry.document is None


def test_a_failure_follows_the_organizations_preference(service, transport, session):
    service.update_notification_preference(ORG_ID, "payment_failed", {"email": False})
    service.on_payment_failed(payment_failed(cp_code="Cp4001",
                                             remedy=CODES["Cp4001"].remedy()))
    assert transport.sent == []
    assert session.scalar(select(FeedEntry.summary)).endswith("(factura INV-000007): Cp4001")


def test_the_receipt_gives_billings_date_of_the_payment_when_it_has_one(service, transport):
    service.on_payment_succeeded(payment_succeeded(date="2026-11-30"))
    [receipt] = _to(transport, MARTA)
    assert "Fecha: 30 de noviembre de 2026\n" in _text(receipt)


def test_an_unreadable_date_falls_back_to_the_day_of_the_event(service, transport):
    service.on_payment_succeeded(payment_succeeded(date="30/11/2026"))
    [receipt] = _to(transport, MARTA)
    assert "Fecha: 1 de diciembre de 2026\n" in _text(receipt)


# --- wording -------------------------------------------------------------------------------

def test_the_payment_date_is_the_day_where_the_organization_is():
    assert format_date(PAID_AT, "es", "Europe/Madrid") == "1 de diciembre de 2026"
    assert format_date(PAID_AT, "en", "Europe/Madrid") == "December 1, 2026"
    assert format_date(PAID_AT, "en", "America/New_York") == "November 30, 2026"
    assert format_date(PAID_AT, "es", None) == "30 de noviembre de 2026"
