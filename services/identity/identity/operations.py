"""identity's use cases, each on a session the caller commits.

The nameko service and the ``portal`` command both call these, so the rules
(tenancy, the email prerequisite, the password policy, throttling) live in one
place. Every function that touches a customer's data takes the organization,
and, for portal calls, the customer it acts for: an object of another
organization or customer is "not found".
"""
import math
import re
import unicodedata
from datetime import timedelta

from sqlalchemy import delete, exists, func, or_, select

from portal_common import settings
from portal_common.errors import ValidationFailed
from portal_common.errors import load_or_refuse as load
from portal_common.events import record_event
from portal_common.timeutil import utcnow

from . import schemas, security
from .events import SCHEMAS as EVENT_SCHEMAS
from .exceptions import (ContactHasNoEmail, ContactNotFound, CustomerNotFound,
                         EmailAlreadyInUse, InvalidApiKey, InvalidCredentials,
                         InvitationInvalid, MessageLimitReached, OrganizationNotFound,
                         PasswordPolicyViolation, ReviewLimitReached, SessionInvalid,
                         TooManyAttempts, WrongPassword)
from .models import (ApiKey, Contact, Customer, CustomerMessage, Invitation, LoginAttempt,
                     Organization, Outbox, PortalSession, Review)

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
# What one contact may send from the portal: emails to the business per hour and per
# day, reviews per day (each at least 1).
MESSAGES_PER_HOUR = max(1, settings.env_int("PORTAL_MESSAGES_PER_HOUR", 5))
MESSAGES_PER_DAY = max(1, settings.env_int("PORTAL_MESSAGES_PER_DAY", 20))
REVIEWS_PER_DAY = max(1, settings.env_int("PORTAL_REVIEWS_PER_DAY", 5))
SAME_PASSWORD = "Choose a password different from your current one."
WRONG_PASSWORD = "The current password is not correct."


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


def update_portal_preferences(session, organization_id: str, data: dict) -> Organization:
    """Only the preferences given change (``{"show_sales_orders": true}``)."""
    org = get_organization(session, organization_id)
    for key, value in load(schemas.PortalPreferencesSchema(), data, partial=True).items():
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


def _split_name(name: str) -> tuple[str, str]:
    """A full name (≤ 200) as first and last name (≤ 100 each), cut at a space if it must be."""
    if len(name) <= 100:
        return name, ""
    cut = name.rfind(" ", 0, 101)
    if cut > 0 and len(name) - cut - 1 <= 100:
        return name[:cut], name[cut + 1:]
    return name[:100], name[100:200]


def add_forwarded_contact(session, organization_id: str, customer_id: str,
                          data: dict) -> Contact:
    """Keep the address a portal contact forwarded a document to as a contact of the customer.

    If the customer already has a contact with that email (any case), that contact is
    returned unchanged and nothing is announced. Portal access is not given: staff decide
    that. A new contact is announced as ``contact_added`` (via "forward").
    """
    customer = get_customer(session, organization_id, customer_id)
    values = load(schemas.ForwardedContactSchema(), _cleaned(data))
    existing = session.scalar(select(Contact).where(
        Contact.customer_id == customer.id, Contact.organization_id == organization_id,
        Contact.deleted_at.is_(None), func.lower(Contact.email) == values["email"])
        .order_by(Contact.created_at).limit(1))
    if existing is not None:
        return existing
    first_name, last_name = _split_name(values["name"])
    contact = Contact(organization_id=organization_id, customer_id=customer.id,
                      first_name=first_name, last_name=last_name, email=values["email"],
                      is_primary=False, portal_enabled=False)
    session.add(contact)
    session.flush()
    emit(session, "contact_added", organization_id, {
        "customer_id": customer.id, "contact_id": contact.id, "email": contact.email,
        "via": "forward"})
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


# --- what a contact does in the portal ----------------------------------------------
#
# Each call takes the organization, customer and contact of the gateway's resolved
# session and checks them here again: the contact must belong to the customer, the
# customer to the organization, and the contact must still have portal access.

def portal_actor(session, organization_id: str, customer_id: str, contact_id: str,
                 lock: bool = False) -> tuple[Organization, Customer, Contact]:
    org = get_organization(session, organization_id)
    customer = get_customer(session, organization_id, customer_id)
    query = select(Contact).where(
        Contact.id == contact_id, Contact.customer_id == customer.id,
        Contact.organization_id == org.id, Contact.deleted_at.is_(None), Contact.portal_enabled)
    if lock:  # one contact's sends one after the other, so a limit cannot be raced
        query = query.with_for_update()
    contact = session.scalar(query)
    if contact is None:
        raise ContactNotFound("Contact not found.")
    return org, customer, contact


def _cleaned(data, multiline: tuple = ()) -> dict:
    """Form input as it is kept: surrounding blanks off, line breaks as \\n."""
    if not isinstance(data, dict):
        return data
    cleaned = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if key in multiline:
                value = value.replace("\r\n", "\n").replace("\r", "\n")
        cleaned[key] = value
    return cleaned


def update_portal_details(session, organization_id: str, customer_id: str, contact_id: str,
                          section: str, data: dict) -> list[dict]:
    """Save one section of My details; returns the changes, old → new.

    Only the fields given are changed. Nothing is written and nothing published
    when no value differs from the stored one.
    """
    _org, customer, contact = portal_actor(session, organization_id, customer_id, contact_id)
    if section not in schemas.DETAIL_SECTIONS:
        raise ValidationFailed("Unknown section of the details.",
                               {"section": [f"Use one of: {', '.join(schemas.DETAIL_SECTIONS)}."]})
    schema_class, owner, prefix = schemas.DETAIL_SECTIONS[section]
    schema = schema_class()
    values = load(schema, _cleaned(data), partial=True)
    target = customer if owner == "customer" else contact
    changes = []
    for field in schema.fields:
        if field not in values:
            continue
        old, new = getattr(target, prefix + field) or "", values[field]
        if old != new:
            changes.append({"field": field, "old": old, "new": new})
            setattr(target, prefix + field, new)
    if changes:
        emit(session, "customer_details_updated", organization_id, {
            "customer_id": customer.id, "contact_id": contact.id, "section": section,
            "changes": changes})
    return changes


def _live_session(session, organization_id: str, contact_id: str, token: str) -> PortalSession:
    row = session.scalar(select(PortalSession).where(
        PortalSession.token_hash == security.token_hash(token or ""),
        PortalSession.organization_id == organization_id,
        PortalSession.contact_id == contact_id))
    now = utcnow()
    if (row is None or row.revoked_at is not None or row.expires_at <= now
            or row.last_seen_at + SESSION_IDLE <= now):
        raise SessionInvalid("Your session has ended. Please log in again.")
    return row


def change_password(session, organization_id: str, customer_id: str, contact_id: str,
                    session_token: str, data: dict, ip: str = "") -> int:
    """Replace the contact's password; returns how many other sessions were ended.

    The old password must be right; wrong ones count with the login failures of the
    same email and client address and are slowed down the same way. The session
    the change is made from stays; every other session of the contact, and any
    unused invitation link, ends.
    """
    values = load(schemas.PasswordChangeSchema(), data)
    org, customer, contact = portal_actor(session, organization_id, customer_id, contact_id)
    current = _live_session(session, org.id, contact.id, session_token)
    email = contact.email.lower()
    ip = (ip or "")[:45]
    _throttle_check(session, org.id, email, ip)
    if not security.verify_password(contact.password_hash, values["old_password"]):
        session.add(LoginAttempt(organization_id=org.id, email=email, ip=ip))
        session.commit()
        raise WrongPassword(WRONG_PASSWORD, {"old_password": [WRONG_PASSWORD]})
    security.check_password_policy(values["new_password"], contact.email)
    if security.verify_password(contact.password_hash, values["new_password"]):
        raise PasswordPolicyViolation("The password does not meet the password policy.",
                                      {"password": [SAME_PASSWORD],
                                       "policy": security.POLICY_TEXT["en"]})
    now = utcnow()
    session.execute(delete(LoginAttempt).where(LoginAttempt.organization_id == org.id,
                                               LoginAttempt.email == email,
                                               LoginAttempt.ip == ip))
    contact.password_hash = security.hash_password(values["new_password"])
    contact.password_changed_at = now
    ended = 0
    for row in session.scalars(select(PortalSession).where(
            PortalSession.contact_id == contact.id, PortalSession.revoked_at.is_(None),
            PortalSession.id != current.id)):
        row.revoked_at = now
        ended += 1
    for invitation in session.scalars(select(Invitation).where(
            Invitation.contact_id == contact.id, Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None))):
        invitation.revoked_at = now
    emit(session, "contact_password_changed", org.id, {
        "customer_id": customer.id, "contact_id": contact.id, "email": contact.email,
        "name": contact.name or customer.display_name,
        "language": customer.language or org.language})
    return ended


def _check_limits(session, model, contact_id: str, limits, error_class, noun: str) -> None:
    """Refuse when the contact already sent ``limit`` rows of ``model`` within a window.

    ``limits`` is ``[(window name, timedelta, limit), ...]``; the refusal says when the
    oldest counted row leaves the window, i.e. when one more is allowed.
    """
    now = utcnow()
    refusal = None
    for name, window, limit in limits:
        times = session.scalars(select(model.created_at).where(
            model.contact_id == contact_id, model.created_at > now - window)
            .order_by(model.created_at)).all()
        if len(times) >= limit:
            retry_at = times[len(times) - limit] + window
            if refusal is None or retry_at > refusal[0]:
                refusal = (retry_at, name, limit)
    if refusal is not None:
        retry_at, name, limit = refusal
        seconds = max(1, math.ceil((retry_at - now).total_seconds()))
        raise error_class(
            f"You have reached the limit of {limit} {noun} per {name}. "
            f"Try again after {retry_at.isoformat(timespec='seconds')}.",
            {"retry_after": str(seconds), "retry_at": retry_at.isoformat(timespec="seconds"),
             "limit": limit, "window": name})


def send_customer_message(session, organization_id: str, customer_id: str, contact_id: str,
                          data: dict) -> CustomerMessage:
    """Keep a contact's email to the business and announce it (notify delivers it)."""
    values = load(schemas.CustomerMessageInputSchema(), _cleaned(data, ("message",)))
    org, customer, contact = portal_actor(session, organization_id, customer_id, contact_id,
                                          lock=True)
    _check_limits(session, CustomerMessage, contact.id,
                  [("hour", timedelta(hours=1), MESSAGES_PER_HOUR),
                   ("day", timedelta(days=1), MESSAGES_PER_DAY)],
                  MessageLimitReached, "messages")
    row = CustomerMessage(organization_id=org.id, customer_id=customer.id,
                          contact_id=contact.id, subject=values["subject"],
                          message=values["message"], contact_email=contact.email,
                          created_at=utcnow())
    session.add(row)
    session.flush()
    emit(session, "customer_message_sent", org.id, {
        "customer_id": customer.id, "contact_id": contact.id, "message_id": row.id,
        "subject": row.subject, "message": row.message, "contact_email": contact.email,
        "contact_name": contact.name or customer.display_name})
    return row


def submit_review(session, organization_id: str, customer_id: str, contact_id: str,
                  data: dict) -> dict:
    values = load(schemas.ReviewInputSchema(), _cleaned(data, ("message",)))
    org, customer, contact = portal_actor(session, organization_id, customer_id, contact_id,
                                          lock=True)
    _check_limits(session, Review, contact.id, [("day", timedelta(days=1), REVIEWS_PER_DAY)],
                  ReviewLimitReached, "reviews")
    row = Review(organization_id=org.id, customer_id=customer.id, contact_id=contact.id,
                 rating=values["rating"], message=values["message"], created_at=utcnow())
    session.add(row)
    session.flush()
    emit(session, "review_submitted", org.id, {
        "customer_id": customer.id, "contact_id": contact.id, "review_id": row.id,
        "rating": row.rating, "message": row.message})
    return _review_out(row, customer, contact)


def _review_out(review: Review, customer: Customer, contact: Contact) -> dict:
    return {"id": review.id, "customer_id": review.customer_id,
            "customer_name": customer.display_name, "contact_id": review.contact_id,
            "contact_name": contact.name, "contact_email": contact.email,
            "rating": review.rating, "message": review.message,
            "created_at": review.created_at}


def list_reviews(session, organization_id: str, query: dict, customer_id: str | None = None,
                 contact_id: str | None = None) -> dict:
    """Staff's list of reviews: the organization's, or one customer's, or one contact's.

    A customer or contact named in the path that is not the organization's is "not
    found"; in the query string it only filters (and finds nothing).
    """
    if customer_id is None:
        schema = schemas.ReviewListQuerySchema()
    elif contact_id is None:
        schema = schemas.CustomerReviewQuerySchema()
    else:
        schema = schemas.ReviewQuerySchema()
    params = load(schema, query)
    conditions = [Review.organization_id == organization_id, Customer.deleted_at.is_(None)]
    if customer_id is not None:
        get_customer(session, organization_id, customer_id)
        conditions.append(Review.customer_id == customer_id)
        if contact_id is not None:
            get_contact(session, organization_id, customer_id, contact_id)
            conditions.append(Review.contact_id == contact_id)
    if params.get("customer_id"):
        conditions.append(Review.customer_id == params["customer_id"])
    if params.get("contact_id"):
        conditions.append(Review.contact_id == params["contact_id"])
    if params["rating"] is not None:
        conditions.append(Review.rating == params["rating"])
    base = (select(Review, Customer, Contact)
            .join(Customer, Customer.id == Review.customer_id)
            .join(Contact, Contact.id == Review.contact_id)
            .where(*conditions))
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    column = getattr(Review, params["sort"].lstrip("-"))
    order = column.desc() if params["sort"].startswith("-") else column.asc()
    rows = session.execute(base.order_by(order, Review.created_at.desc(), Review.id)
                           .offset((params["page"] - 1) * params["per_page"])
                           .limit(params["per_page"])).all()
    return {"reviews": [_review_out(*row) for row in rows], "total": total,
            "page": params["page"], "per_page": params["per_page"]}


def get_activity_context(session, organization_id: str, customer_id: str,
                         contact_id: str | None = None) -> dict:
    """Who acted, for consumers that name them (notify's emails and feed).

    Soft-deleted customers and contacts are found too, so an event published
    before a deletion still renders; anything of another organization is not.
    The customer's ``language`` (or None: the organization's then) is the one
    emails to its contacts are written in, such as a payment receipt.
    """
    org = get_organization(session, organization_id)
    customer = session.scalar(select(Customer).where(Customer.id == customer_id,
                                                     Customer.organization_id == org.id))
    if customer is None:
        raise CustomerNotFound("Customer not found.")
    contact = None
    if contact_id is not None:
        contact = session.scalar(select(Contact).where(
            Contact.id == contact_id, Contact.customer_id == customer.id,
            Contact.organization_id == org.id))
        if contact is None:
            raise ContactNotFound("Contact not found.")
    return {
        "organization": {"id": org.id, "name": org.name, "slug": org.slug, "email": org.email,
                         "language": org.language, "timezone": org.timezone},
        "customer": {"id": customer.id, "display_name": customer.display_name,
                     "language": customer.language},
        "contact": None if contact is None else {
            "id": contact.id, "name": contact.name or contact.email, "email": contact.email},
    }
