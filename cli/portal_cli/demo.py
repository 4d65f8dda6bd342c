"""The demo organization `make run` seeds: a customer whose contact can log in."""
import os
import secrets

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
        api_key = ops.create_api_key(session, org.id, name="make-run")
        session.commit()
        contact = session.scalar(select(Contact).where(Contact.organization_id == org.id,
                                                       Contact.email == DEMO_EMAIL))
    return {"portal_url": f"{settings.portal_base_url()}/portal/{DEMO_SLUG}/",
            "email": DEMO_EMAIL,
            "password": password if contact.password_hash else None,
            "api_key": api_key, "created": created}
