"""The demo organization `make run` seeds: a customer whose contact can log in, and
something to see in every section of the portal (invoices, a retainer, a credit note,
payments; quotes awaiting an answer and a sales order; a project with a timesheet to
approve). Sales orders and projects/timesheets are turned on in its portal preferences."""
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
            ops.update_portal_preferences(session, org.id, {"show_sales_orders": True,
                                                            "show_projects_and_timesheets": True})
            contact = next(c for c in customer.contacts if c.email == DEMO_EMAIL)
            ops.enable_portal(session, org.id, customer.id,
                              {"contact_ids": [contact.id], "password": password})
            iva = seed_billing(org.id, customer.id)
            seed_quotes(org.id, customer.id, iva)
            seed_timesheets(org.id, customer.id)
        api_key = ops.create_api_key(session, org.id, name="make-run")
        session.commit()
        contact = session.scalar(select(Contact).where(Contact.organization_id == org.id,
                                                       Contact.email == DEMO_EMAIL))
    return {"portal_url": f"{settings.portal_base_url()}/portal/{DEMO_SLUG}/",
            "email": DEMO_EMAIL,
            "password": password if contact.password_hash else None,
            "api_key": api_key, "created": created}


def _day(offset: int) -> str:
    from portal_common.timeutil import utcnow
    return (utcnow().date() + timedelta(days=offset)).isoformat()


def _session(service: str):
    from sqlalchemy.orm import Session

    from portal_common.db import make_engine
    return Session(make_engine(settings.database_url(service)), expire_on_commit=False)


def seed_billing(organization_id: str, customer_id: str) -> dict:
    """A few months of business with the demo customer, in billing's own database; the
    default tax as billing's API gives it."""
    from billing import operations as billing

    day = _day

    def line(name, quantity, rate, tax=None):
        return {"name": name, "quantity": quantity, "rate": rate,
                **({"tax_id": tax.id} if tax else {})}

    with _session("billing") as session:
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
        return {"id": iva.id, "name": iva.name, "rate": str(iva.rate)}


def seed_quotes(organization_id: str, customer_id: str, iva: dict) -> None:
    """Two quotes awaiting the customer (one already seen), one accepted and invoiced in
    its sales order, in quotes's own database. No invoice is raised here: the sales order
    names none."""
    from quotes import quotes, sales_orders

    taxes = lambda: [iva]  # noqa: E731 — billing's answer to list_taxes, without RPC

    def line(name, quantity, rate, tax=True):
        return {"name": name, "quantity": quantity, "rate": rate,
                **({"tax_id": iva["id"]} if tax else {})}

    with _session("quotes") as session:
        def quote(offset, expires_in, lines, **extra):
            created = quotes.create_quote(session, organization_id, {
                "customer_id": customer_id, "currency": "EUR", "date": _day(offset),
                "expiry_date": _day(offset + expires_in), "lines": lines, **extra}, taxes)
            return quotes.send_quote(session, organization_id, created.id)

        quote(-4, 30, [line("Rediseño de la web", "1", "2400"),
                       line("Sesiones de fotografía", "2", "180")],
              reference="Web 2027", terms="50 % al aceptar, 50 % a la entrega.")
        quote(-12, 20, [line("Campaña de correo de primavera", "1", "650")])
        accepted = quote(-30, 30, [line("Tienda online: pasarela de pago", "1", "900")])
        quotes.accept_quote(session, organization_id, customer_id, None, accepted.id,
                            {"contact_name": "Ana García", "signature_name": "Ana García"})
        order = sales_orders.create_sales_order(session, organization_id, {
            "customer_id": customer_id, "currency": "EUR", "date": _day(-25),
            "quote_id": accepted.id, "reference": "Pasarela de pago",
            "lines": [line("Tienda online: pasarela de pago", "1", "900")]}, taxes)
        sales_orders.confirm_sales_order(session, organization_id, order.id)
        session.commit()


def seed_timesheets(organization_id: str, customer_id: str) -> None:
    """A project with two tasks, a week of time, half of it submitted for approval."""
    from timesheets import approvals, projects, time_entries

    with _session("timesheets") as session:
        project = projects.create_project(session, organization_id, {
            "customer_id": customer_id, "name": "Mantenimiento de la tienda online",
            "description": "Soporte mensual y pequeñas mejoras."})
        fixes = projects.create_task(session, organization_id, project.id,
                                     {"name": "Correcciones", "billable": True})
        meetings = projects.create_task(session, organization_id, project.id,
                                        {"name": "Reuniones internas", "billable": False})
        entries = [time_entries.create_time_entry(session, organization_id, {
            "project_id": project.id, "task_id": task.id, "date": _day(offset),
            "hours": hours, "notes": notes, "staff_name": "Luis Pérez"})
            for task, offset, hours, notes in (
                (fixes, -9, "2.5", "Error en el carrito con cupones"),
                (fixes, -8, "3", "Nuevo filtro por talla"),
                (meetings, -8, "1", "Planificación"),
                (fixes, -2, "1.25", "Textos legales"))]
        approvals.submit_approval(session, organization_id, {
            "project_id": project.id, "time_entry_ids": [entries[0].id, entries[1].id]})
        session.commit()
