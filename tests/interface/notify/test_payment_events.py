"""billing's payment_succeeded and payment_failed through real RabbitMQ, PostgreSQL, SMTP and
the real identity service: published on billing's exchange as billing's relay does, the staff
email and the paying contact's receipt in a real mailbox, the feed entry through notify's
RPC — in Spanish and in English, and once only when the event is delivered again."""
import eventlet
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from identity.service import IdentityService
from portal_common.payment_codes import CODES
from tests.interface.notify.conftest import BASE_URL, billing_event
from tests.support.mailbox import html_of, text_of, wait_until

STAFF = "staff@talleres.example"
MARTA = "marta@ferreteria.example"


@pytest.fixture
def identity(container_factory, service_config):
    """The real identity service: notify asks it who paid (names, language, slug)."""
    container = container_factory(IdentityService, service_config)
    container.start()
    with ServiceRpcProxy("identity", service_config, timeout=10) as proxy:
        yield proxy


def _organization(identity, *, org_language="es", customer_language=None):
    """An organization with a customer (Ferretería Central) whose contact Marta pays."""
    org = identity.create_organization({
        "name": "Talleres Norte S.L.", "email": STAFF, "language": org_language,
        "timezone": "Europe/Madrid"})["organization"]
    customer = identity.create_customer(org["id"], {
        "display_name": "Ferretería Central", "currency": "EUR",
        "language": customer_language,
        "contacts": [{"first_name": "Marta", "last_name": "Ibáñez", "email": MARTA,
                      "is_primary": True}]})
    return {"organization_id": org["id"], "slug": org["slug"], "customer_id": customer["id"],
            "contact_id": customer["contacts"][0]["id"]}


def _succeeded(ids, payment_id="2b4f8c1e-0000-4000-8000-000000000042"):
    """payment_succeeded exactly as the contract has billing publish it."""
    return billing_event("payment_succeeded", ids, {
        "payment_id": payment_id, "number": "PAY-000042",
        "attempt_id": "5e1d2c3b-0000-4000-8000-000000000042", "contact_id": ids["contact_id"],
        "amount": "1234.50", "currency": "EUR", "method": "card", "date": "2026-11-27",
        "invoices": [
            {"invoice_id": "9d0c7e5e-0000-4000-8000-000000000007", "number": "INV-000007",
             "amount": "1000.00"},
            {"invoice_id": "9d0c7e5e-0000-4000-8000-000000000009", "number": "INV-000009",
             "amount": "234.50"}]})


def _failed(ids, *, cp_code=None, decline_code=None, message=""):
    return billing_event("payment_failed", ids, {
        "attempt_id": "5e1d2c3b-0000-4000-8000-000000000001", "contact_id": ids["contact_id"],
        "amount": "120.00", "currency": "EUR", "method": "card",
        "invoices": [{"invoice_id": "9d0c7e5e-0000-4000-8000-000000000007",
                      "number": "INV-000007", "amount": "120.00"}],
        "cp_code": cp_code, "decline_code": decline_code, "message": message,
        "remedy": CODES[cp_code].remedy() if cp_code else None})


def _feed(notify_rpc, ids):
    return notify_rpc.list_feed(ids["organization_id"])["items"]


def test_a_payment_reaches_staff_and_the_paying_contact_in_spanish(
        identity, start_notify, mailbox, publish_billing, notify_rpc):
    start_notify(mailbox.url)
    ids = _organization(identity)
    event = publish_billing(_succeeded(ids))

    [staff] = mailbox.wait_for(STAFF)
    assert staff["Subject"] == "Ferretería Central ha realizado un pago de 1234.50 EUR (PAY-000042)"
    text = text_of(staff)
    assert "Marta Ibáñez (Ferretería Central) ha realizado un pago de 1234.50 EUR" in text
    assert "Pago: PAY-000042\nImporte: 1234.50 EUR\nForma de pago: tarjeta\n" in text
    assert "Facturas pagadas:\nINV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR\n" in text

    [receipt] = mailbox.wait_for(MARTA)
    assert receipt["Subject"] == "Recibo de su pago PAY-000042 a Talleres Norte S.L."
    assert receipt["Reply-To"] == STAFF
    text = text_of(receipt)
    assert text.startswith("Hola, Marta Ibáñez:\n\nHemos recibido su pago de 1234.50 EUR.")
    assert "Pago: PAY-000042\nFecha: 27 de noviembre de 2026\nImporte: 1234.50 EUR\n" in text
    assert "Facturas pagadas:\nINV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR\n" in text
    link = f"{BASE_URL}/portal/{ids['slug']}/payments/{event['payload']['payment_id']}"
    assert link in text and f'href="{link}"' in html_of(receipt)

    [entry] = wait_until(lambda: _feed(notify_rpc, ids), what="a feed entry")
    assert entry["kind"] == "payment_made"
    assert entry["summary"] == ("Marta Ibáñez (Ferretería Central) ha realizado un pago de "
                                "1234.50 EUR (pago PAY-000042): facturas INV-000007, INV-000009")
    assert entry["customer"] == {"id": ids["customer_id"], "name": "Ferretería Central"}
    assert entry["contact"] == {"id": ids["contact_id"], "name": "Marta Ibáñez"}
    assert entry["document"] == {"type": "payment", "id": event["payload"]["payment_id"],
                                 "number": "PAY-000042"}


def test_an_english_customer_gets_an_english_receipt_and_english_staff_an_english_notice(
        identity, start_notify, mailbox, publish_billing, notify_rpc):
    start_notify(mailbox.url)
    ids = _organization(identity, org_language="en", customer_language="en")
    publish_billing(_succeeded(ids))

    [receipt] = mailbox.wait_for(MARTA)
    assert receipt["Subject"] == "Receipt for your payment PAY-000042 to Talleres Norte S.L."
    text = text_of(receipt)
    assert "Hello Marta Ibáñez,\n\nWe have received your payment of 1234.50 EUR." in text
    assert "Date: November 27, 2026\nAmount: 1234.50 EUR\nMethod: card\n" in text
    assert "Invoices paid:\nINV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR\n" in text
    assert "View the receipt" in html_of(receipt)

    [staff] = mailbox.wait_for(STAFF)
    assert staff["Subject"] == "Ferretería Central made a payment of 1234.50 EUR (PAY-000042)"
    assert "Invoices paid:\nINV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR\n" in text_of(staff)
    [entry] = wait_until(lambda: _feed(notify_rpc, ids), what="a feed entry")
    assert entry["summary"] == ("Marta Ibáñez (Ferretería Central) made a payment of "
                                "1234.50 EUR (payment PAY-000042): invoices INV-000007, "
                                "INV-000009")


def test_a_spanish_customer_of_an_english_organization_gets_a_spanish_receipt(
        identity, start_notify, mailbox, publish_billing):
    start_notify(mailbox.url)
    ids = _organization(identity, org_language="en", customer_language="es")
    publish_billing(_succeeded(ids))
    [receipt] = mailbox.wait_for(MARTA)
    assert receipt["Subject"] == "Recibo de su pago PAY-000042 a Talleres Norte S.L."
    [staff] = mailbox.wait_for(STAFF)
    assert staff["Subject"].startswith("Ferretería Central made a payment")


def test_a_replayed_payment_event_gives_one_staff_email_one_entry_and_one_receipt(
        identity, start_notify, mailbox, publish_billing, notify_rpc):
    start_notify(mailbox.url)
    ids = _organization(identity)
    event = _succeeded(ids)
    publish_billing(event)
    publish_billing(event)
    mailbox.wait_for(STAFF)
    mailbox.wait_for(MARTA)
    eventlet.sleep(1.5)     # time for the second delivery to have done whatever it does
    assert len(mailbox.messages(STAFF)) == 1
    assert len(mailbox.messages(MARTA)) == 1
    assert len(_feed(notify_rpc, ids)) == 1
    sent = notify_rpc.list_outgoing_mail(ids["organization_id"], {"status": "sent"})
    assert sorted(mail["kind"] for mail in sent["items"]) == ["payment_receipt",
                                                              "staff_payment_made"]


def test_a_refused_payment_gives_staff_the_code_what_went_wrong_and_the_remedy(
        identity, start_notify, mailbox, publish_billing, notify_rpc):
    start_notify(mailbox.url)
    ids = _organization(identity)
    publish_billing(_failed(ids, cp_code="Cp3003", message=CODES["Cp3003"].customer_es))

    [staff] = mailbox.wait_for(STAFF)
    assert staff["Subject"] == "Ha fallado un pago de Ferretería Central (Cp3003)"
    text = text_of(staff)
    assert "Marta Ibáñez (Ferretería Central) ha intentado pagar 120.00 EUR" in text
    assert ("Código de error: Cp3003\n"
            "¿Qué salió mal? El pago ha sido rechazado debido a los filtros de detección de "
            "fraude que ha configurado en su cuenta de comerciante.\n"
            "¿Qué puede hacer? Compruebe si la transacción fue fraudulenta o no. Modifique sus "
            "filtros de fraude, si es necesario.\n") in text
    [entry] = wait_until(lambda: _feed(notify_rpc, ids), what="a feed entry")
    assert entry["kind"] == "payment_failed"
    assert entry["summary"] == ("Marta Ibáñez (Ferretería Central) no ha podido pagar "
                                "120.00 EUR (factura INV-000007): Cp3003")
    eventlet.sleep(0.5)
    assert mailbox.messages(MARTA) == []      # a failure sends the contact no receipt


def test_a_decline_without_a_code_gives_english_staff_the_gateways_reason(
        identity, start_notify, mailbox, publish_billing):
    start_notify(mailbox.url)
    ids = _organization(identity, org_language="en")
    publish_billing(_failed(ids, decline_code="insufficient_funds",
                            message="Your card has insufficient funds."))
    [staff] = mailbox.wait_for(STAFF)
    assert staff["Subject"] == "A payment by Ferretería Central failed"
    text = text_of(staff)
    assert ("The payment gateway declined the payment: Your card has insufficient funds. "
            "(insufficient_funds)") in text
    assert "Error code" not in text
