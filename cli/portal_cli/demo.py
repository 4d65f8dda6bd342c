"""The demo organization `make run` seeds: a customer whose contact can log in, and
something to see in the portal (invoices, a retainer, a credit note, payments)."""
import os
import secrets
from datetime import timedelta

from sqlalchemy import select

from identity import operations as ops
from identity.models import Contact, Organization
from portal_common import settings

DEMO_SLUG = "demo"
DEMO_EMAIL = "ana.garcia@example.com"


def demo_password() -> str:
    """PORTAL_DEMO_PASSWORD, else a random one generated once and kept under var/."""
    if os.environ.get("PORTAL_DEMO_PASSWORD"):
        return os.environ["PORTAL_DEMO_PASSWORD"]
    path = settings.var_dir() / "demo_password"
    if not path.exists():
        path.write_text(f"Demo-{secrets.token_urlsafe(9)}7")
        path.chmod(0o600)
    return path.read_text().strip()


def seed() -> dict:
    from portal_cli.main import _identity_session
    password = demo_password()
    with _identity_session() as session:
        org = session.scalar(select(Organization).where(Organization.slug == DEMO_SLUG))
        created = org is None
        if created:
            org, _ = ops.create_organization(session, {
                "name": "Estudio Demo S.L.", "email": "facturacion@demo.example.com",
                "slug": DEMO_SLUG, "currency": "EUR", "timezone": "Europe/Madrid",
                "language": "es", "phone": "+34 910 000 000", "website": "https://demo.example.com",
                "street": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013",
                "country": "ES"})
            customer = ops.create_customer(session, org.id, {
                "display_name": "Cliente Ejemplo", "company_name": "Cliente Ejemplo S.A.",
                "email": "cuentas@cliente.example.com", "currency": "EUR",
                "billing_address": {"street": "Gran Vía 10", "city": "Madrid",
                                    "postal_code": "28013", "country": "ES"},
                "contacts": [{"first_name": "Ana", "last_name": "García", "email": DEMO_EMAIL,
                              "is_primary": True},
                             {"first_name": "Luis", "last_name": "Pérez",
                              "email": "luis.perez@example.com"}]})
            contact = next(c for c in customer.contacts if c.email == DEMO_EMAIL)
            ops.enable_portal(session, org.id, customer.id,
                              {"contact_ids": [contact.id], "password": password})
            seed_billing(org.id, customer.id)
        api_key = ops.create_api_key(session, org.id, name="make-run")
        session.commit()
        contact = session.scalar(select(Contact).where(Contact.organization_id == org.id,
                                                       Contact.email == DEMO_EMAIL))
    return {"portal_url": f"{settings.portal_base_url()}/portal/{DEMO_SLUG}/",
            "email": DEMO_EMAIL,
            "password": password if contact.password_hash else None,
            "api_key": api_key, "created": created}


def seed_billing(organization_id: str, customer_id: str) -> None:
    """A few months of business with the demo customer, in billing's own database."""
    from sqlalchemy.orm import Session

    from billing import operations as billing
    from portal_common.db import make_engine
    from portal_common.timeutil import utcnow

    today = utcnow().date()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    def line(name, quantity, rate, tax=None):
        return {"name": name, "quantity": quantity, "rate": rate,
                **({"tax_id": tax.id} if tax else {})}

    with Session(make_engine(settings.database_url("billing")),
                 expire_on_commit=False) as session:
        iva = billing.create_tax(session, organization_id,
                                 {"name": "IVA", "rate": "21", "is_default": True})

        def invoice(offset, due_in, lines, kind="invoice"):
            created = billing.create_invoice(session, organization_id, {
                "customer_id": customer_id, "kind": kind, "date": day(offset),
                "due_date": day(offset + due_in), "currency": "EUR", "lines": lines})
            return billing.send_invoice(session, organization_id, created.id)

        design = invoice(-75, 30, [line("Diseño de la tienda online", "1", "1800", iva),
                                   line("Horas de consultoría", "6", "65", iva)])
        hosting = invoice(-40, 30, [line("Alojamiento anual", "1", "240", iva)])
        invoice(-6, 30, [line("Mantenimiento mensual", "1", "150", iva)])
        retainer = invoice(-20, 15, [line("Anticipo campaña de Navidad", "1", "1000")],
                           kind="retainer")
        billing.create_credit_note(session, organization_id, {
            "customer_id": customer_id, "date": day(-30), "currency": "EUR",
            "lines": [line("Abono por retraso en la entrega", "1", "100", iva)]})
        billing.record_payment(session, organization_id, {
            "customer_id": customer_id, "amount": design.total, "date": day(-50),
            "currency": "EUR", "mode": "bank_transfer", "reference": "TRF-2026-118",
            "applications": [{"invoice_id": design.id, "amount": design.total}]})
        billing.record_payment(session, organization_id, {
            "customer_id": customer_id, "amount": "150", "date": day(-10), "currency": "EUR",
            "mode": "cheque", "applications": [{"invoice_id": hosting.id, "amount": "150"}]})
        billing.record_payment(session, organization_id, {
            "customer_id": customer_id, "amount": "400", "date": day(-3), "currency": "EUR",
            "mode": "bank_transfer", "reference": "TRF-2026-131",
            "applications": [{"invoice_id": retainer.id, "amount": "400"}]})
        session.commit()
