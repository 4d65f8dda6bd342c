"""identity's rules, on its own tables (SQLite in memory), without a broker."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from identity import operations as ops
from identity.exceptions import (ContactHasNoEmail, ContactNotFound, CustomerNotFound,
                                 EmailAlreadyInUse, InvalidApiKey, InvalidCredentials,
                                 InvitationInvalid, PasswordPolicyViolation, SessionInvalid,
                                 TooManyAttempts)
from identity.models import Invitation, Outbox, PortalSession
from portal_common.errors import ValidationFailed

PASSWORD = "correct-horse-7"


def invite_token(session, contact_id):
    """The token as the invitation email carries it (from the outbox event)."""
    rows = session.scalars(select(Outbox).where(Outbox.event_type == "contact_invited")).all()
    return [r.payload for r in rows if r.payload["contact_id"] == contact_id][-1]["invitation_token"]


def enable_and_accept(session, org, customer, contact):
    ops.enable_portal(session, org.id, customer.id, {"contact_ids": [contact.id]})
    session.commit()
    token, _ = ops.accept_invitation(session, org.slug, invite_token(session, contact.id), PASSWORD)
    session.commit()
    return token


def test_organization_slug_is_derived_and_unique(session):
    first, key = ops.create_organization(session, {"name": "Café Ñandú S.L.", "email": "x@y.es"})
    second, _ = ops.create_organization(session, {"name": "Café Ñandú S.L.", "email": "x@y.es"})
    assert first.slug == "cafe-nandu-s-l"
    assert second.slug == "cafe-nandu-s-l-2"
    assert key.startswith("cpk_") and len(key) > 40
    assert ops.authenticate_api_key(session, key).id == first.id
    with pytest.raises(InvalidApiKey):
        ops.authenticate_api_key(session, key + "x")


def test_organization_refuses_unknown_timezone_and_language(session):
    with pytest.raises(ValidationFailed) as info:
        ops.create_organization(session, {"name": "X", "email": "x@y.es",
                                          "timezone": "Mars/Olympus", "language": "fr"})
    assert set(info.value.details) == {"timezone", "language"}


def test_customer_contacts_email_is_normalised_and_first_is_primary(customer):
    ana, no_email = customer.contacts
    assert ana.email == "ana@example.com" and ana.is_primary
    assert no_email.email == "" and not no_email.is_primary


def test_allow_ach_is_off_unless_staff_turn_it_on_and_stays_as_set(session, org, customer):
    """ACH bank payments are offered only to customers staff allow them for."""
    assert customer.allow_ach is False
    assert ops.create_customer(session, org.id, {"display_name": "Banca",
                                                 "allow_ach": True}).allow_ach is True
    ops.update_customer(session, org.id, customer.id, {"allow_ach": True})
    ops.update_customer(session, org.id, customer.id, {"phone": "600 000 000"})
    session.commit()
    assert ops.get_customer(session, org.id, customer.id).allow_ach is True
    ops.update_customer(session, org.id, customer.id, {"allow_ach": False})
    assert ops.get_customer(session, org.id, customer.id).allow_ach is False
    with pytest.raises(ValidationFailed) as info:
        ops.update_customer(session, org.id, customer.id, {"allow_ach": "maybe"})
    assert set(info.value.details) == {"allow_ach"}


def test_unknown_fields_are_refused(session, org):
    with pytest.raises(ValidationFailed) as info:
        ops.create_customer(session, org.id, {"display_name": "X", "colour": "red"})
    assert "colour" in info.value.details


def test_portal_needs_an_email(session, org, customer):
    no_email = customer.contacts[1]
    with pytest.raises(ContactHasNoEmail):
        ops.enable_portal(session, org.id, customer.id, {"contact_ids": [no_email.id]})


def test_enable_is_all_or_nothing(session, org, customer):
    ana, no_email = customer.contacts
    with pytest.raises(ContactHasNoEmail):
        ops.enable_portal(session, org.id, customer.id, {"contact_ids": [ana.id, no_email.id]})
    session.rollback()
    assert not session.get(type(ana), ana.id).portal_enabled


def test_staff_password_must_meet_policy(session, org, customer):
    with pytest.raises(PasswordPolicyViolation) as info:
        ops.enable_portal(session, org.id, customer.id,
                          {"contact_ids": [customer.contacts[0].id], "password": "short"})
    assert info.value.details["password"]


@pytest.mark.parametrize("password, problem", [
    ("abcdefghijk", "digit"), ("12345678901", "letter"), ("password123", "common"),
    ("x" * 129, "at most"), ("ana@example.com1"[:9], "at least"),
])
def test_password_policy(password, problem):
    from identity.security import check_password_policy
    with pytest.raises(PasswordPolicyViolation) as info:
        check_password_policy(password, "ana@example.com")
    assert problem in " ".join(info.value.details["password"])


def test_one_login_email_per_organization(session, org, customer):
    other = ops.create_customer(session, org.id, {
        "display_name": "Otro", "contacts": [{"first_name": "Ana bis", "email": "ana@example.com"}]})
    ops.enable_portal(session, org.id, customer.id, {"contact_ids": [customer.contacts[0].id]})
    with pytest.raises(EmailAlreadyInUse):
        ops.enable_portal(session, org.id, other.id, {"contact_ids": [other.contacts[0].id]})


def test_bulk_enable_reports_what_it_skipped(session, org, customer):
    nobody = ops.create_customer(session, org.id, {
        "display_name": "Sin correos", "contacts": [{"first_name": "X"}]})
    result = ops.bulk_enable_portal(session, org.id, {
        "customer_ids": [customer.id, nobody.id, "no-such-customer"]})
    assert result["enabled"] == [{"customer_id": customer.id, "contact_id": customer.contacts[0].id,
                                  "email": "ana@example.com"}]
    reasons = {(s["customer_id"], s["reason"]) for s in result["skipped"]}
    assert reasons == {(customer.id, "no_email"), (nobody.id, "no_contact_with_email"),
                       ("no-such-customer", "not_found")}
    assert not nobody.contacts[0].portal_enabled


def test_invitation_is_single_use_and_expires(session, org, customer):
    ana = customer.contacts[0]
    ops.enable_portal(session, org.id, customer.id, {"contact_ids": [ana.id]})
    session.commit()
    token = invite_token(session, ana.id)
    assert ops.describe_invitation(session, org.slug, token)["email"] == "ana@example.com"
    ops.accept_invitation(session, org.slug, token, PASSWORD)
    with pytest.raises(InvitationInvalid) as used:
        ops.accept_invitation(session, org.slug, token, PASSWORD)
    assert used.value.details["reason"] == "used"

    ops.reinvite(session, org.id, customer.id, ana.id)
    session.commit()
    fresh = invite_token(session, ana.id)
    row = session.scalar(select(Invitation).where(Invitation.used_at.is_(None),
                                                  Invitation.revoked_at.is_(None)))
    row.expires_at = row.created_at - timedelta(seconds=1)
    with pytest.raises(InvitationInvalid) as expired:
        ops.accept_invitation(session, org.slug, fresh, PASSWORD)
    assert expired.value.details["reason"] == "expired"


def test_reinvite_revokes_the_previous_link(session, org, customer):
    ana = customer.contacts[0]
    ops.enable_portal(session, org.id, customer.id, {"contact_ids": [ana.id]})
    first = invite_token(session, ana.id)
    ops.reinvite(session, org.id, customer.id, ana.id)
    second = invite_token(session, ana.id)
    assert first != second
    with pytest.raises(InvitationInvalid):
        ops.describe_invitation(session, org.slug, first)
    assert ops.describe_invitation(session, org.slug, second)


def test_invitation_of_another_organization_is_invalid(session, org, customer):
    other, _ = ops.create_organization(session, {"name": "Org B", "email": "b@org.example"})
    ana = customer.contacts[0]
    ops.enable_portal(session, org.id, customer.id, {"contact_ids": [ana.id]})
    with pytest.raises(InvitationInvalid):
        ops.describe_invitation(session, other.slug, invite_token(session, ana.id))


def test_login_rotates_and_logout_revokes(session, org, customer):
    first = enable_and_accept(session, org, customer, customer.contacts[0])
    second, _ = ops.login(session, org.slug, "ANA@example.com ", PASSWORD, ip="10.0.0.1",
                          previous_token=first)
    session.commit()
    with pytest.raises(SessionInvalid):
        ops.resolve_session(session, org.slug, first)
    _, contact = ops.resolve_session(session, org.slug, second)
    assert contact.id == customer.contacts[0].id
    ops.revoke_session(session, org.slug, second)
    with pytest.raises(SessionInvalid):
        ops.resolve_session(session, org.slug, second)


def test_session_token_is_hashed_at_rest(session, org, customer):
    token = enable_and_accept(session, org, customer, customer.contacts[0])
    stored = session.scalars(select(PortalSession.token_hash)).all()
    assert token not in stored and len(token) >= 43  # 256 bits in base64url


def test_session_idle_and_absolute_timeouts(session, org, customer):
    token = enable_and_accept(session, org, customer, customer.contacts[0])
    row = session.scalar(select(PortalSession))
    row.last_seen_at -= ops.SESSION_IDLE + timedelta(seconds=1)
    with pytest.raises(SessionInvalid):
        ops.resolve_session(session, org.slug, token)
    token, row = ops.login(session, org.slug, "ana@example.com", PASSWORD)
    row.expires_at = row.created_at
    with pytest.raises(SessionInvalid):
        ops.resolve_session(session, org.slug, token)


def test_disable_and_delete_end_sessions_at_once(session, org, customer):
    ana = customer.contacts[0]
    token = enable_and_accept(session, org, customer, ana)
    ops.disable_portal(session, org.id, customer.id, ana.id)
    session.commit()
    with pytest.raises(SessionInvalid):
        ops.resolve_session(session, org.slug, token)
    with pytest.raises(InvalidCredentials):
        ops.login(session, org.slug, "ana@example.com", PASSWORD)

    token = enable_and_accept(session, org, customer, ana)
    ops.delete_contact(session, org.id, customer.id, ana.id)
    session.commit()
    with pytest.raises(SessionInvalid):
        ops.resolve_session(session, org.slug, token)
    with pytest.raises(ContactNotFound):
        ops.get_contact(session, org.id, customer.id, ana.id)


def test_session_does_not_cross_organizations(session, org, customer):
    other, _ = ops.create_organization(session, {"name": "Org B", "email": "b@org.example"})
    token = enable_and_accept(session, org, customer, customer.contacts[0])
    with pytest.raises(SessionInvalid):
        ops.resolve_session(session, other.slug, token)


def test_wrong_passwords_are_throttled_per_email_and_address(session, org, customer):
    enable_and_accept(session, org, customer, customer.contacts[0])
    for _ in range(ops.FREE_FAILURES):
        with pytest.raises(InvalidCredentials):
            ops.login(session, org.slug, "ana@example.com", "wrong-guess-1", ip="203.0.113.9")
    with pytest.raises(TooManyAttempts) as info:
        ops.login(session, org.slug, "ana@example.com", PASSWORD, ip="203.0.113.9")
    assert 0 < int(info.value.details["retry_after"]) <= ops.BASE_DELAY_SECONDS + 1
    # The real user, from their own address, is not locked out by the attacker.
    token, _ = ops.login(session, org.slug, "ana@example.com", PASSWORD, ip="198.51.100.7")
    assert token


def test_tenancy_customer_of_another_organization_is_not_found(session, org, customer):
    other, _ = ops.create_organization(session, {"name": "Org B", "email": "b@org.example"})
    with pytest.raises(CustomerNotFound):
        ops.get_customer(session, other.id, customer.id)
    with pytest.raises(CustomerNotFound):
        ops.enable_portal(session, other.id, customer.id, {"contact_ids": [customer.contacts[0].id]})
    second = ops.create_customer(session, org.id, {"display_name": "Second"})
    with pytest.raises(ContactNotFound):
        ops.get_contact(session, org.id, second.id, customer.contacts[0].id)


def test_list_customers_filters_sorts_and_pages(session, org, customer):
    for name in ("Beta", "alfa", "Gamma"):
        ops.create_customer(session, org.id, {"display_name": name})
    ops.enable_portal(session, org.id, customer.id, {"contact_ids": [customer.contacts[0].id]})
    page = ops.list_customers(session, org.id, {"sort": "-display_name", "per_page": 2})
    assert page["total"] == 4 and [c.display_name for c in page["customers"]] == ["Gamma", "Cliente"]
    assert [c.display_name for c in ops.list_customers(session, org.id, {"q": "ALF"})["customers"]] == ["alfa"]
    enabled = ops.list_customers(session, org.id, {"portal": "enabled"})["customers"]
    assert [c.id for c in enabled] == [customer.id]
    with pytest.raises(ValidationFailed):
        ops.list_customers(session, org.id, {"sort": "password_hash"})
