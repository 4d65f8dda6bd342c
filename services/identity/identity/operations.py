"""identity's use cases, each on a session the caller commits.

The nameko service and the ``portal`` command both call these, so the rules
(tenancy, the email prerequisite, the password policy, throttling) live in one
place. Every function that touches a customer's data takes the organization,
and, for portal calls, the customer it acts for: an object of another
organization or customer is "not found".
"""
import re
import unicodedata
from datetime import timedelta

from marshmallow import ValidationError
from sqlalchemy import and_, delete, exists, func, or_, select

from portal_common import settings
from portal_common.errors import validation_error
from portal_common.events import record_event
from portal_common.timeutil import utcnow

from . import schemas, security
from .events import SCHEMAS as EVENT_SCHEMAS
from .exceptions import (ContactHasNoEmail, ContactNotFound, CustomerNotFound,
                         EmailAlreadyInUse, InvalidApiKey, InvalidCredentials,
                         InvitationInvalid, OrganizationNotFound, SessionInvalid,
                         TooManyAttempts)
from .models import (ApiKey, Contact, Customer, Invitation, LoginAttempt, Organization,
                     Outbox, PortalSession)

INVITATION_TTL = timedelta(days=settings.env_int("PORTAL_INVITATION_TTL_DAYS", 7))
SESSION_IDLE = timedelta(minutes=settings.env_int("PORTAL_SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE = timedelta(hours=settings.env_int("PORTAL_SESSION_ABSOLUTE_HOURS", 12))
# Wrong passwords: after FREE_FAILURES for one (email, client address) within
# WINDOW, each further try waits twice as long as the one before, up to
# MAX_DELAY. Only that pair is slowed down, so an attacker elsewhere cannot lock
# the real user out; one address failing across many emails is slowed as a whole.
FAILURE_WINDOW = timedelta(minutes=15)
FREE_FAILURES = 5
BASE_DELAY_SECONDS = 15
MAX_DELAY_SECONDS = 15 * 60
PER_ADDRESS_FAILURES = 50


def load(schema, data, partial=False):
    try:
        return schema.load(data or {}, partial=partial)
    except ValidationError as exc:
        raise validation_error(exc) from None


def emit(session, event_type: str, organization_id: str, payload: dict):
    return record_event(session, Outbox, EVENT_SCHEMAS[event_type], event_type,
                        organization_id, payload)


# --- organizations and API keys -------------------------------------------------

def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50].strip("-")
    return slug or "org"


def create_organization(session, data: dict) -> tuple[Organization, str]:
    """Create an organization and its first API key; the key is returned once."""
    values = load(schemas.OrganizationCreateSchema(), data)
    base = values.pop("slug") or slugify(values["name"])
    slug, n = base, 1
    while session.scalar(select(exists().where(Organization.slug == slug))):
        n += 1
        slug = f"{base}-{n}"
    org = Organization(slug=slug, **values)
    session.add(org)
    session.flush()
    return org, create_api_key(session, org.id)


def create_api_key(session, organization_id: str, name: str = "default") -> str:
    secret = security.new_token()
    key = f"cpk_{secret}"
    session.add(ApiKey(organization_id=organization_id, name=name, prefix=secret[:8],
                       key_hash=security.token_hash(key)))
    return key


def authenticate_api_key(session, api_key: str) -> Organization:
    if not api_key or not api_key.startswith("cpk_") or len(api_key) > 100:
        raise InvalidApiKey("The API key is not valid.")
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == security.token_hash(api_key),
                                              ApiKey.revoked_at.is_(None)))
    if row is None:
        raise InvalidApiKey("The API key is not valid.")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now
    return session.get(Organization, row.organization_id)


def get_organization(session, organization_id: str) -> Organization:
    org = session.get(Organization, organization_id)
    if org is None:
        raise OrganizationNotFound("Organization not found.")
    return org


def get_organization_by_slug(session, slug: str) -> Organization:
    org = session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise OrganizationNotFound("Organization not found.")
    return org


def update_organization(session, organization_id: str, data: dict) -> Organization:
    org = get_organization(session, organization_id)
    for key, value in load(schemas.OrganizationUpdateSchema(), data, partial=True).items():
        setattr(org, key, value)
    return org


# --- customers and contacts -----------------------------------------------------

def get_customer(session, organization_id: str, customer_id: str) -> Customer:
    customer = session.scalar(select(Customer).where(
        Customer.id == customer_id, Customer.organization_id == organization_id,
        Customer.deleted_at.is_(None)))
    if customer is None:
        raise CustomerNotFound("Customer not found.")
    return customer


def get_contact(session, organization_id: str, customer_id: str, contact_id: str) -> Contact:
    contact = session.scalar(select(Contact).where(
        Contact.id == contact_id, Contact.customer_id == customer_id,
        Contact.organization_id == organization_id, Contact.deleted_at.is_(None)))
    if contact is None:
        raise ContactNotFound("Contact not found.")
    return contact


def _apply_customer_values(customer: Customer, values: dict) -> None:
    for kind in ("billing", "shipping"):
        address = values.pop(f"{kind}_address", None)
        for part, value in (address or {}).items():
            setattr(customer, f"{kind}_{part}", value)
    for key, value in values.items():
        setattr(customer, key, value)


def _set_single_primary(session, customer_id: str, primary: Contact) -> None:
    for other in session.scalars(select(Contact).where(Contact.customer_id == customer_id,
                                                       Contact.id != primary.id)):
        other.is_primary = False


def create_customer(session, organization_id: str, data: dict) -> Customer:
    org = get_organization(session, organization_id)
    values = load(schemas.CustomerCreateSchema(), data)
    contacts = values.pop("contacts")
    if values.get("currency") is None:
        values["currency"] = org.currency
    customer = Customer(organization_id=organization_id)
    _apply_customer_values(customer, values)
    session.add(customer)
    session.flush()
    if contacts and not any(c["is_primary"] for c in contacts):
        contacts[0]["is_primary"] = True
    seen_primary = False
    for contact_values in contacts:
        if contact_values["is_primary"]:
            contact_values["is_primary"] = not seen_primary
            seen_primary = True
        session.add(Contact(organization_id=organization_id, customer_id=customer.id,
                            **contact_values))
    session.flush()
    session.refresh(customer)
    return customer


def update_customer(session, organization_id: str, customer_id: str, data: dict) -> Customer:
    customer = get_customer(session, organization_id, customer_id)
    _apply_customer_values(customer, load(schemas.CustomerInputSchema(), data, partial=True))
    session.flush()
    return customer


def list_customers(session, organization_id: str, query: dict) -> dict:
    params = load(schemas.CustomerListQuerySchema(), query)
    conditions = [Customer.organization_id == organization_id, Customer.deleted_at.is_(None)]
    if params["q"]:
        pattern = f"%{params['q'].lower()}%"
        conditions.append(or_(func.lower(Customer.display_name).like(pattern),
                              func.lower(Customer.company_name).like(pattern),
                              func.lower(Customer.email).like(pattern)))
    if params["portal"]:
        enabled = exists().where(Contact.customer_id == Customer.id, Contact.portal_enabled,
                                 Contact.deleted_at.is_(None))
        conditions.append(enabled if params["portal"] == "enabled" else ~enabled)
    total = session.scalar(select(func.count()).select_from(Customer).where(*conditions))
    column = getattr(Customer, params["sort"].lstrip("-"))
    if params["sort"].lstrip("-") == "display_name":
        column = func.lower(column)
    order = column.desc() if params["sort"].startswith("-") else column.asc()
    rows = session.scalars(select(Customer).where(*conditions).order_by(order, Customer.id)
                           .offset((params["page"] - 1) * params["per_page"])
                           .limit(params["per_page"])).all()
    return {"customers": rows, "total": total, "page": params["page"],
            "per_page": params["per_page"]}


def delete_customer(session, organization_id: str, customer_id: str) -> None:
    customer = get_customer(session, organization_id, customer_id)
    now = utcnow()
    for contact in list(customer.contacts):
        _end_portal_access(session, contact)
        contact.deleted_at = now
    customer.deleted_at = now
    emit(session, "customer_deleted", organization_id, {"customer_id": customer_id})


def add_contact(session, organization_id: str, customer_id: str, data: dict) -> Contact:
    get_customer(session, organization_id, customer_id)
    values = load(schemas.ContactInputSchema(), data)
    contact = Contact(organization_id=organization_id, customer_id=customer_id, **values)
    session.add(contact)
    session.flush()
    if contact.is_primary:
        _set_single_primary(session, customer_id, contact)
    return contact


def update_contact(session, organization_id: str, customer_id: str, contact_id: str,
                   data: dict) -> Contact:
    contact = get_contact(session, organization_id, customer_id, contact_id)
    values = load(schemas.ContactUpdateSchema(), data, partial=True)
    if "email" in values and contact.portal_enabled:
        if not values["email"]:
            raise ContactHasNoEmail("A contact with portal access needs an email address.",
                                    {"email": ["Required while portal access is enabled."]})
        _check_email_free(session, organization_id, values["email"], contact.id)
    for key, value in values.items():
        setattr(contact, key, value)
    if values.get("is_primary"):
        _set_single_primary(session, customer_id, contact)
    return contact


def delete_contact(session, organization_id: str, customer_id: str, contact_id: str) -> None:
    contact = get_contact(session, organization_id, customer_id, contact_id)
    _end_portal_access(session, contact)
    contact.deleted_at = utcnow()
    emit(session, "contact_deleted", organization_id,
         {"contact_id": contact.id, "customer_id": customer_id})


# --- portal access --------------------------------------------------------------

def _check_email_free(session, organization_id: str, email: str, contact_id: str) -> None:
    taken = session.scalar(select(exists().where(
        Contact.organization_id == organization_id, func.lower(Contact.email) == email.lower(),
        Contact.portal_enabled, Contact.deleted_at.is_(None), Contact.id != contact_id)))
    if taken:
        raise EmailAlreadyInUse(
            "Another contact of this organization already uses this email for the portal.",
            {"email": [email]})


def _end_portal_access(session, contact: Contact) -> None:
    now = utcnow()
    contact.portal_enabled = False
    contact.password_hash = None
    for model in (PortalSession, Invitation):
        for row in session.scalars(select(model).where(model.contact_id == contact.id,
                                                       model.revoked_at.is_(None))):
            row.revoked_at = now


def _invite(session, org: Organization, customer: Customer, contact: Contact,
            password: str | None, reinvite: bool) -> None:
    now = utcnow()
    for old in session.scalars(select(Invitation).where(
            Invitation.contact_id == contact.id, Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None))):
        old.revoked_at = now
    token = security.new_token()
    invitation = Invitation(organization_id=org.id, contact_id=contact.id,
                            token_hash=security.token_hash(token), expires_at=now + INVITATION_TTL)
    session.add(invitation)
    emit(session, "contact_invited", org.id, {
        "contact_id": contact.id, "customer_id": customer.id, "email": contact.email,
        "name": contact.name or customer.display_name,
        "language": customer.language or org.language,
        "organization": {"id": org.id, "name": org.name, "slug": org.slug, "email": org.email,
                         "language": org.language, "timezone": org.timezone},
        "invitation_token": token, "invitation_expires_at": invitation.expires_at.isoformat(),
        "password": password, "reinvite": reinvite,
    })


def _enable(session, org, customer, contact, password):
    contact.portal_enabled = True
    if password is not None:
        contact.password_hash = security.hash_password(password)
        contact.password_changed_at = utcnow()
    emit(session, "contact_portal_enabled", org.id, {
        "contact_id": contact.id, "customer_id": customer.id,
        "password_set_by_staff": password is not None})
    _invite(session, org, customer, contact, password, reinvite=False)


def enable_portal(session, organization_id: str, customer_id: str, data: dict) -> dict:
    """Give the chosen contacts portal access; all of them or, on any problem, none."""
    values = load(schemas.PortalEnableSchema(), data)
    org = get_organization(session, organization_id)
    customer = get_customer(session, organization_id, customer_id)
    contacts = [get_contact(session, organization_id, customer_id, contact_id)
                for contact_id in dict.fromkeys(values["contact_ids"])]
    missing = [c.id for c in contacts if not c.email]
    if missing:
        raise ContactHasNoEmail(
            "The customer portal can only be enabled for contacts with an email address.",
            {"contact_ids": missing})
    emails = [c.email.lower() for c in contacts]
    if len(set(emails)) != len(emails):
        raise EmailAlreadyInUse("Two of the chosen contacts share one email address.",
                                {"email": sorted({e for e in emails if emails.count(e) > 1})})
    for contact in contacts:
        _check_email_free(session, organization_id, contact.email, contact.id)
    if values["password"] is not None:
        for contact in contacts:
            security.check_password_policy(values["password"], contact.email)
    for contact in contacts:
        _enable(session, org, customer, contact, values["password"])
    return {"enabled": [{"customer_id": customer.id, "contact_id": c.id, "email": c.email}
                        for c in contacts], "skipped": []}


def bulk_enable_portal(session, organization_id: str, data: dict) -> dict:
    """Enable every contact with an email of each customer; report what was skipped.

    Each customer is all-or-nothing (a savepoint each): a customer is never left
    half-enabled.
    """
    values = load(schemas.BulkEnableSchema(), data)
    org = get_organization(session, organization_id)
    result = {"enabled": [], "skipped": []}
    for customer_id in dict.fromkeys(values["customer_ids"]):
        try:
            customer = get_customer(session, organization_id, customer_id)
        except CustomerNotFound:
            result["skipped"].append({"customer_id": customer_id, "reason": "not_found"})
            continue
        with_email = [c for c in customer.contacts if c.email]
        if not with_email:
            result["skipped"].append({"customer_id": customer_id, "reason": "no_contact_with_email"})
            continue
        for contact in customer.contacts:
            if not contact.email:
                result["skipped"].append({"customer_id": customer_id, "contact_id": contact.id,
                                          "reason": "no_email"})
        savepoint = session.begin_nested()
        try:
            for contact in with_email:
                _check_email_free(session, organization_id, contact.email, contact.id)
                _enable(session, org, customer, contact, None)
                session.flush()
        except EmailAlreadyInUse as exc:
            savepoint.rollback()
            result["skipped"].append({"customer_id": customer_id, "reason": "email_in_use",
                                      "email": exc.details["email"][0]})
            continue
        savepoint.commit()
        result["enabled"].extend({"customer_id": customer_id, "contact_id": c.id,
                                  "email": c.email} for c in with_email)
    return result


def disable_portal(session, organization_id: str, customer_id: str, contact_id: str) -> Contact:
    contact = get_contact(session, organization_id, customer_id, contact_id)
    was_enabled = contact.portal_enabled
    _end_portal_access(session, contact)
    if was_enabled:
        emit(session, "contact_portal_disabled", organization_id,
             {"contact_id": contact.id, "customer_id": customer_id})
    return contact


def reinvite(session, organization_id: str, customer_id: str, contact_id: str) -> Contact:
    org = get_organization(session, organization_id)
    customer = get_customer(session, organization_id, customer_id)
    contact = get_contact(session, organization_id, customer_id, contact_id)
    if not contact.portal_enabled:
        raise ContactNotFound("This contact has no portal access to be re-invited to.",
                              {"contact_id": contact_id})
    _invite(session, org, customer, contact, None, reinvite=True)
    return contact


# --- invitations, login, sessions -------------------------------------------------

def _valid_invitation(session, org: Organization, token: str) -> tuple[Invitation, Contact]:
    invitation = session.scalar(select(Invitation).where(
        Invitation.token_hash == security.token_hash(token or ""),
        Invitation.organization_id == org.id))
    now = utcnow()
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation link is not valid.", {"reason": "unknown"})
    if invitation.used_at is not None:
        raise InvitationInvalid("This invitation link has already been used.",
                                {"reason": "used"})
    if invitation.expires_at <= now:
        raise InvitationInvalid("This invitation link has expired.", {"reason": "expired"})
    contact = session.get(Contact, invitation.contact_id)
    if contact is None or contact.deleted_at is not None or not contact.portal_enabled:
        raise InvitationInvalid("This invitation link is not valid.", {"reason": "unknown"})
    return invitation, contact


def describe_invitation(session, slug: str, token: str) -> dict:
    org = get_organization_by_slug(session, slug)
    invitation, contact = _valid_invitation(session, org, token)
    return {"email": contact.email, "name": contact.name, "expires_at": invitation.expires_at,
            "password_set": contact.password_hash is not None}


def accept_invitation(session, slug: str, token: str, password: str,
                      ip: str = "", user_agent: str = "") -> tuple[str, PortalSession]:
    org = get_organization_by_slug(session, slug)
    invitation, contact = _valid_invitation(session, org, token)
    security.check_password_policy(password, contact.email)
    invitation.used_at = utcnow()
    contact.password_hash = security.hash_password(password)
    contact.password_changed_at = utcnow()
    return _open_session(session, contact, ip, user_agent)


def _throttle_check(session, org_id: str, email: str, ip: str) -> None:
    now = utcnow()
    since = now - FAILURE_WINDOW
    failures = session.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.organization_id == org_id, LoginAttempt.email == email,
        LoginAttempt.ip == ip, LoginAttempt.at > since)).one()
    count, last = failures
    if count >= FREE_FAILURES:
        delay = min(BASE_DELAY_SECONDS * 2 ** (count - FREE_FAILURES), MAX_DELAY_SECONDS)
        wait = (last + timedelta(seconds=delay) - now).total_seconds()
        if wait > 0:
            raise TooManyAttempts("Too many failed attempts. Try again later.",
                                  {"retry_after": str(int(wait) + 1)})
    per_address = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.ip == ip, LoginAttempt.at > since))
    if per_address >= PER_ADDRESS_FAILURES:
        raise TooManyAttempts("Too many failed attempts. Try again later.",
                              {"retry_after": str(int(FAILURE_WINDOW.total_seconds()))})


def login(session, slug: str, email: str, password: str, ip: str = "", user_agent: str = "",
          previous_token: str | None = None) -> tuple[str, PortalSession]:
    """Check the credentials and open a new session (the old one, if any, is revoked)."""
    org = get_organization_by_slug(session, slug)
    email = (email or "").strip().lower()[:254]
    _throttle_check(session, org.id, email, ip)
    contact = session.scalar(select(Contact).where(
        Contact.organization_id == org.id, func.lower(Contact.email) == email,
        Contact.portal_enabled, Contact.deleted_at.is_(None)))
    if not security.verify_password(contact.password_hash if contact else None, password or ""):
        session.add(LoginAttempt(organization_id=org.id, email=email, ip=ip))
        session.commit()
        raise InvalidCredentials("The email address or the password is not correct.")
    session.execute(delete(LoginAttempt).where(LoginAttempt.organization_id == org.id,
                                               LoginAttempt.email == email,
                                               LoginAttempt.ip == ip))
    if security.needs_rehash(contact.password_hash):
        contact.password_hash = security.hash_password(password)
    if previous_token:
        revoke_session(session, slug, previous_token)
    return _open_session(session, contact, ip, user_agent)


def _open_session(session, contact: Contact, ip: str, user_agent: str):
    token = security.new_token()
    now = utcnow()
    row = PortalSession(organization_id=contact.organization_id, contact_id=contact.id,
                        token_hash=security.token_hash(token), created_at=now,
                        last_seen_at=now, expires_at=now + SESSION_ABSOLUTE,
                        ip=(ip or "")[:45], user_agent=(user_agent or "")[:300])
    session.add(row)
    return token, row


def resolve_session(session, slug: str, token: str) -> tuple[Organization, Contact]:
    """The organization and contact a session token stands for, or SessionInvalid."""
    org = get_organization_by_slug(session, slug)
    row = session.scalar(select(PortalSession).where(
        PortalSession.token_hash == security.token_hash(token or ""),
        PortalSession.organization_id == org.id))
    now = utcnow()
    if (row is None or row.revoked_at is not None or row.expires_at <= now
            or row.last_seen_at + SESSION_IDLE <= now):
        raise SessionInvalid("Your session has ended. Please log in again.")
    contact = session.scalar(select(Contact).join(Customer, Customer.id == Contact.customer_id)
                             .where(Contact.id == row.contact_id, Contact.portal_enabled,
                                    Contact.deleted_at.is_(None), Customer.deleted_at.is_(None)))
    if contact is None:
        row.revoked_at = now
        raise SessionInvalid("Your session has ended. Please log in again.")
    if now - row.last_seen_at > timedelta(seconds=60):
        row.last_seen_at = now
    return org, contact


def revoke_session(session, slug: str, token: str) -> None:
    org = get_organization_by_slug(session, slug)
    row = session.scalar(select(PortalSession).where(
        PortalSession.token_hash == security.token_hash(token or ""),
        PortalSession.organization_id == org.id, PortalSession.revoked_at.is_(None)))
    if row is not None:
        row.revoked_at = utcnow()
