"""What a logged-in contact does in the portal, on identity's own tables (SQLite in
memory): My details, change password, email the business, write a review; and the
staff's review lists and notify's activity context."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from identity import operations as ops
from identity.exceptions import (ContactNotFound, CustomerNotFound, InvalidCredentials,
                                 MessageLimitReached, OrganizationNotFound,
                                 PasswordPolicyViolation, ReviewLimitReached, SessionInvalid,
                                 TooManyAttempts, WrongPassword)
from identity.models import Contact, Customer, CustomerMessage, Invitation, Outbox, Review
from portal_common.errors import ValidationFailed

PASSWORD = "correct-horse-7"
NEW_PASSWORD = "battery-staple-42"


def events(session, event_type):
    return [row.payload for row in session.scalars(
        select(Outbox).where(Outbox.event_type == event_type).order_by(Outbox.occurred_at))]


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def portal_contact(session, org, customer, contact):
    """Give ``contact`` portal access, accept the invitation: their session token."""
    ops.enable_portal(session, org.id, customer.id, {"contact_ids": [contact.id]})
    session.commit()
    token = [p for p in events(session, "contact_invited")
             if p["contact_id"] == contact.id][-1]["invitation_token"]
    session_token, _ = ops.accept_invitation(session, org.slug, token, PASSWORD)
    session.commit()
    return session_token


@pytest.fixture
def ana(session, org, customer):
    ana = customer.contacts[0]
    ana.token = portal_contact(session, org, customer, ana)
    return ana


def ids(org, customer, contact):
    return org.id, customer.id, contact.id


# --- My details ----------------------------------------------------------------------

def test_a_changed_address_is_saved_and_published_old_to_new(session, org, customer, ana):
    ops.update_customer(session, org.id, customer.id, {"billing_address": {
        "street": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}})
    session.commit()

    changes = ops.update_portal_details(session, *ids(org, customer, ana), "billing_address", {
        "attention": "", "street": "Calle Mayor 1", "street2": "", "city": " Sevilla ",
        "state": "", "postal_code": "41001", "country": "ES"})
    session.commit()

    assert changes == [{"field": "city", "old": "Madrid", "new": "Sevilla"},
                       {"field": "postal_code", "old": "28013", "new": "41001"}]
    stored = session.get(Customer, customer.id)
    assert (stored.billing_city, stored.billing_postal_code) == ("Sevilla", "41001")
    assert stored.shipping_city == ""  # the other address is another section
    assert events(session, "customer_details_updated") == [{
        "customer_id": customer.id, "contact_id": ana.id, "section": "billing_address",
        "changes": [{"field": "city", "old": "Madrid", "new": "Sevilla"},
                    {"field": "postal_code", "old": "28013", "new": "41001"}]}]


def test_nothing_is_written_or_published_when_nothing_changed(session, org, customer, ana):
    ops.update_portal_details(session, *ids(org, customer, ana), "company",
                              {"company_name": "Cliente S.L.", "phone": "+34 600 000 000"})
    session.commit()
    before = session.get(Customer, customer.id).updated_at

    changes = ops.update_portal_details(session, *ids(org, customer, ana), "company", {
        "company_name": "Cliente S.L. ", "email": "", "phone": "+34 600 000 000",
        "website": ""})
    session.commit()

    assert changes == []
    assert len(events(session, "customer_details_updated")) == 1  # only the first save
    assert session.get(Customer, customer.id).updated_at == before


def test_each_field_is_checked_and_a_refusal_changes_nothing(session, org, customer, ana):
    with pytest.raises(ValidationFailed) as company:
        ops.update_portal_details(session, *ids(org, customer, ana), "company", {
            "company_name": "x" * 201, "email": "not-an-address", "phone": "call me",
            "website": "javascript:alert(1)"})
    assert company.value.details == {
        "company_name": ["Use at most 200 characters."],
        "email": ["Not a valid email address."],
        "phone": ["Use digits, spaces and + ( ) - . only."],
        "website": ["Enter a web address such as https://www.example.com."]}

    with pytest.raises(ValidationFailed) as address:
        ops.update_portal_details(session, *ids(org, customer, ana), "shipping_address", {
            "city": "Sevilla", "postal_code": "4100<script>", "country": "XX",
            "street": "Line one\nline two", "state": "x" * 101})
    assert address.value.details == {
        "postal_code": ["Use letters, digits, spaces and hyphens only."],
        "country": ["Use a two-letter ISO 3166 country code, e.g. ES."],
        "street": ["Remove the control characters (such as line breaks) from this field."],
        "state": ["Use at most 100 characters."]}
    session.rollback()
    stored = session.get(Customer, customer.id)
    assert stored.shipping_city == "" and stored.company_name == ""
    assert events(session, "customer_details_updated") == []


def test_a_contact_changes_their_own_details_but_not_their_login_email(session, org, customer,
                                                                      ana):
    changes = ops.update_portal_details(session, *ids(org, customer, ana), "contact",
                                        {"first_name": "Ana María", "last_name": "Ruiz",
                                         "phone": "600 111 222"})
    assert changes == [{"field": "first_name", "old": "Ana", "new": "Ana María"},
                       {"field": "last_name", "old": "", "new": "Ruiz"},
                       {"field": "phone", "old": "", "new": "600 111 222"}]
    with pytest.raises(ValidationFailed) as refused:
        ops.update_portal_details(session, *ids(org, customer, ana), "contact",
                                  {"email": "someone-else@example.com"})
    assert refused.value.details == {"email": ["Unknown field."]}
    assert session.get(Contact, ana.id).email == "ana@example.com"
    with pytest.raises(ValidationFailed) as section:
        ops.update_portal_details(session, *ids(org, customer, ana), "password_hash", {})
    assert "section" in section.value.details


def test_html_is_kept_as_text_not_refused(session, org, customer, ana):
    """Markup in a name is the user's text: stored as typed, escaped where shown."""
    ops.update_portal_details(session, *ids(org, customer, ana), "company",
                              {"company_name": "<script>alert(1)</script>"})
    assert session.get(Customer, customer.id).company_name == "<script>alert(1)</script>"


# --- tenancy ---------------------------------------------------------------------------

def test_every_portal_call_checks_organization_customer_and_contact(session, org, customer,
                                                                    ana):
    other_org, _ = ops.create_organization(session, {"name": "Org B", "email": "b@org.example"})
    other_customer = ops.create_customer(session, org.id, {
        "display_name": "Otro", "contacts": [{"first_name": "Eva", "email": "eva@example.com"}]})
    no_portal = customer.contacts[1]
    calls = {
        "details": lambda *a: ops.update_portal_details(session, *a, "contact",
                                                        {"first_name": "X"}),
        "message": lambda *a: ops.send_customer_message(session, *a,
                                                        {"subject": "Hola", "message": "M"}),
        "review": lambda *a: ops.submit_review(session, *a, {"rating": 5, "message": "M"}),
        "password": lambda *a: ops.change_password(session, *a, ana.token, {
            "old_password": PASSWORD, "new_password": NEW_PASSWORD}),
    }
    wrong = [((other_org.id, customer.id, ana.id), CustomerNotFound),
             (("no-such-org", customer.id, ana.id), OrganizationNotFound),
             ((org.id, other_customer.id, ana.id), ContactNotFound),
             ((org.id, customer.id, other_customer.contacts[0].id), ContactNotFound),
             ((org.id, customer.id, no_portal.id), ContactNotFound)]
    for name, call in calls.items():
        for args, error in wrong:
            with pytest.raises(error):
                call(*args)
    session.rollback()
    assert count(session, CustomerMessage) == 0 and count(session, Review) == 0
    assert session.get(Contact, ana.id).first_name == "Ana"
    assert events(session, "customer_details_updated") == []


# --- change password ---------------------------------------------------------------------

def test_password_change_ends_other_sessions_but_not_this_one(session, org, customer, ana):
    other_browser, _ = ops.login(session, org.slug, "ana@example.com", PASSWORD, ip="10.0.0.2")
    ops.reinvite(session, org.id, customer.id, ana.id)
    session.commit()

    ended = ops.change_password(session, *ids(org, customer, ana), ana.token,
                                {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                                ip="10.0.0.1")
    session.commit()

    assert ended == 1
    assert ops.resolve_session(session, org.slug, ana.token)[1].id == ana.id
    with pytest.raises(SessionInvalid):
        ops.resolve_session(session, org.slug, other_browser)
    # The pending invitation link could set a password: it is no longer valid.
    assert session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.contact_id == ana.id, Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None))) == 0
    with pytest.raises(InvalidCredentials):
        ops.login(session, org.slug, "ana@example.com", PASSWORD)
    assert ops.login(session, org.slug, "ana@example.com", NEW_PASSWORD)[0]
    assert events(session, "contact_password_changed") == [{
        "customer_id": customer.id, "contact_id": ana.id, "email": "ana@example.com",
        "name": "Ana", "language": "es"}]


def test_the_language_of_the_email_is_the_customers_else_the_organizations(session, org,
                                                                          customer, ana):
    ops.update_customer(session, org.id, customer.id, {"language": "en"})
    ops.change_password(session, *ids(org, customer, ana), ana.token,
                        {"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert events(session, "contact_password_changed")[0]["language"] == "en"


def test_wrong_old_password_is_refused_and_throttled_like_login(session, org, customer, ana):
    attempt = {"old_password": "not-my-password-1", "new_password": NEW_PASSWORD}
    for _ in range(ops.FREE_FAILURES):
        with pytest.raises(WrongPassword) as wrong:
            ops.change_password(session, *ids(org, customer, ana), ana.token, attempt,
                                ip="203.0.113.5")
    assert wrong.value.details == {"old_password": ["The current password is not correct."]}
    with pytest.raises(TooManyAttempts) as throttled:
        ops.change_password(session, *ids(org, customer, ana), ana.token,
                            {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                            ip="203.0.113.5")
    assert 0 < int(throttled.value.details["retry_after"]) <= ops.BASE_DELAY_SECONDS + 1
    # The same counter as the login form's, for the same email and address.
    with pytest.raises(TooManyAttempts):
        ops.login(session, org.slug, "ana@example.com", PASSWORD, ip="203.0.113.5")
    session.rollback()
    assert ops.login(session, org.slug, "ana@example.com", PASSWORD, ip="198.51.100.1")[0]
    assert events(session, "contact_password_changed") == []


def test_new_password_must_meet_the_policy_and_differ(session, org, customer, ana):
    for new, problem in (("short1", "Use at least 10 characters."),
                         ("ana@example.com", "Do not use your email address as the password."),
                         (PASSWORD, "Choose a password different from your current one.")):
        with pytest.raises(PasswordPolicyViolation) as refused:
            ops.change_password(session, *ids(org, customer, ana), ana.token,
                                {"old_password": PASSWORD, "new_password": new})
        assert problem in refused.value.details["password"]
    with pytest.raises(ValidationFailed) as missing:
        ops.change_password(session, *ids(org, customer, ana), ana.token, {"old_password": "x"})
    assert set(missing.value.details) == {"new_password"}
    session.rollback()
    assert ops.login(session, org.slug, "ana@example.com", PASSWORD)[0]


def test_password_change_needs_a_live_session_of_that_contact(session, org, customer, ana):
    eva = ops.add_contact(session, org.id, customer.id,
                          {"first_name": "Eva", "email": "eva@example.com"})
    eva_token = portal_contact(session, org, customer, eva)
    change = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    with pytest.raises(SessionInvalid):  # Eva's session is not Ana's
        ops.change_password(session, *ids(org, customer, ana), eva_token, change)
    ops.revoke_session(session, org.slug, ana.token)
    with pytest.raises(SessionInvalid):
        ops.change_password(session, *ids(org, customer, ana), ana.token, change)


# --- email the business --------------------------------------------------------------------

def test_a_message_is_kept_and_published_for_notify(session, org, customer, ana):
    row = ops.send_customer_message(session, *ids(org, customer, ana), {
        "subject": " Pedido 42 ", "message": "Hola,\r\n¿podéis llamarme?\r\n"})
    session.commit()
    assert (row.subject, row.message) == ("Pedido 42", "Hola,\n¿podéis llamarme?")
    assert events(session, "customer_message_sent") == [{
        "customer_id": customer.id, "contact_id": ana.id, "message_id": row.id,
        "subject": "Pedido 42", "message": "Hola,\n¿podéis llamarme?",
        "contact_email": "ana@example.com", "contact_name": "Ana"}]


def test_bad_messages_are_refused_and_nothing_is_kept(session, org, customer, ana):
    with pytest.raises(ValidationFailed) as refused:
        ops.send_customer_message(session, *ids(org, customer, ana), {
            "subject": "Hola\r\nBcc: victim@example.com", "message": "   "})
    assert refused.value.details == {
        "subject": ["Remove the control characters (such as line breaks) from this field."],
        "message": ["Fill in this field."]}
    with pytest.raises(ValidationFailed) as too_long:
        ops.send_customer_message(session, *ids(org, customer, ana),
                                  {"subject": "s" * 201, "message": "m" * 5001})
    assert too_long.value.details == {"subject": ["Use at most 200 characters."],
                                      "message": ["Use at most 5000 characters."]}
    with pytest.raises(ValidationFailed) as missing:
        ops.send_customer_message(session, *ids(org, customer, ana), {})
    assert missing.value.details == {"subject": ["Fill in this field."],
                                     "message": ["Fill in this field."]}
    assert count(session, CustomerMessage) == 0 and events(session, "customer_message_sent") == []


def test_messages_are_limited_per_hour_and_per_day(session, org, customer, ana, monkeypatch):
    monkeypatch.setattr(ops, "MESSAGES_PER_HOUR", 2)
    monkeypatch.setattr(ops, "MESSAGES_PER_DAY", 3)
    send = lambda: ops.send_customer_message(  # noqa: E731
        session, *ids(org, customer, ana), {"subject": "Hola", "message": "Mensaje"})
    first = send()
    send()
    with pytest.raises(MessageLimitReached) as hourly:
        send()
    details = hourly.value.details
    assert details["window"] == "hour" and details["limit"] == 2
    assert 3590 < int(details["retry_after"]) <= 3600
    assert details["retry_at"] == (first.created_at + timedelta(hours=1)).isoformat(
        timespec="seconds")
    # Another contact of the same customer is not limited by Ana's messages.
    eva = ops.add_contact(session, org.id, customer.id,
                          {"first_name": "Eva", "email": "eva@example.com"})
    portal_contact(session, org, customer, eva)
    ops.send_customer_message(session, *ids(org, customer, eva),
                              {"subject": "Hola", "message": "Mensaje"})

    for row in session.scalars(select(CustomerMessage).where(CustomerMessage.contact_id == ana.id)):
        row.created_at -= timedelta(hours=2)
    send()  # the hour has passed: one more fits in the day
    with pytest.raises(MessageLimitReached) as daily:
        send()
    assert daily.value.details["window"] == "day" and daily.value.details["limit"] == 3
    assert 22 * 3600 - 10 < int(daily.value.details["retry_after"]) <= 22 * 3600
    assert len([p for p in events(session, "customer_message_sent")
                if p["contact_id"] == ana.id]) == 3


# --- reviews ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rating", [0, 6, -1, "5", 4.5, None, True, "cinco"])
def test_a_rating_outside_one_to_five_is_refused(session, org, customer, ana, rating):
    with pytest.raises(ValidationFailed) as refused:
        ops.submit_review(session, *ids(org, customer, ana),
                          {"rating": rating, "message": "Muy bien"})
    assert refused.value.details == {"rating": ["Choose a rating from 1 to 5."]}
    assert count(session, Review) == 0 and events(session, "review_submitted") == []


def test_a_review_is_kept_and_published(session, org, customer, ana):
    for rating in (1, 5):
        review = ops.submit_review(session, *ids(org, customer, ana),
                                   {"rating": rating, "message": f" Nota {rating}\r\n"})
    session.commit()
    assert review["rating"] == 5 and review["message"] == "Nota 5"
    assert review["contact_name"] == "Ana" and review["customer_name"] == "Cliente"
    assert events(session, "review_submitted")[-1] == {
        "customer_id": customer.id, "contact_id": ana.id, "review_id": review["id"],
        "rating": 5, "message": "Nota 5"}
    with pytest.raises(ValidationFailed) as empty:
        ops.submit_review(session, *ids(org, customer, ana), {"rating": 4, "message": ""})
    assert empty.value.details == {"message": ["Fill in this field."]}


def test_reviews_are_limited_per_day(session, org, customer, ana, monkeypatch):
    monkeypatch.setattr(ops, "REVIEWS_PER_DAY", 1)
    ops.submit_review(session, *ids(org, customer, ana), {"rating": 4, "message": "Bien"})
    with pytest.raises(ReviewLimitReached) as refused:
        ops.submit_review(session, *ids(org, customer, ana), {"rating": 4, "message": "Otra"})
    assert refused.value.details["window"] == "day"
    assert count(session, Review) == 1


def test_staff_list_reviews_filtered_sorted_and_paged(session, org, customer, ana):
    other = ops.create_customer(session, org.id, {
        "display_name": "Otro", "contacts": [{"first_name": "Eva", "email": "eva@example.com"}]})
    eva = other.contacts[0]
    portal_contact(session, org, other, eva)
    for rating in (3, 5):
        ops.submit_review(session, *ids(org, customer, ana), {"rating": rating, "message": "A"})
    ops.submit_review(session, *ids(org, other, eva), {"rating": 1, "message": "E"})
    session.commit()

    everything = ops.list_reviews(session, org.id, {})
    assert everything["total"] == 3
    assert [r["rating"] for r in everything["reviews"]] == [1, 5, 3]  # newest first
    by_rating = ops.list_reviews(session, org.id, {"sort": "-rating", "per_page": 2, "page": 2})
    assert [r["rating"] for r in by_rating["reviews"]] == [1] and by_rating["total"] == 3
    assert [r["rating"] for r in ops.list_reviews(
        session, org.id, {"customer_id": customer.id, "sort": "rating"})["reviews"]] == [3, 5]
    assert [r["contact_name"] for r in ops.list_reviews(
        session, org.id, {"rating": "1"})["reviews"]] == ["Eva"]
    mine = ops.list_reviews(session, org.id, {}, customer_id=customer.id, contact_id=ana.id)
    assert mine["total"] == 2 and {r["contact_id"] for r in mine["reviews"]} == {ana.id}
    with pytest.raises(ValidationFailed):
        ops.list_reviews(session, org.id, {"rating": "6"})
    with pytest.raises(ValidationFailed):
        ops.list_reviews(session, org.id, {"sort": "message"})

    other_org, _ = ops.create_organization(session, {"name": "Org B", "email": "b@org.example"})
    assert ops.list_reviews(session, other_org.id, {})["total"] == 0
    assert ops.list_reviews(session, other_org.id, {"customer_id": customer.id})["total"] == 0
    with pytest.raises(CustomerNotFound):
        ops.list_reviews(session, other_org.id, {}, customer_id=customer.id)
    with pytest.raises(ContactNotFound):
        ops.list_reviews(session, org.id, {}, customer_id=customer.id, contact_id=eva.id)


# --- notify's activity context ----------------------------------------------------------------

def test_activity_context_names_who_acted_even_after_deletion(session, org, customer, ana):
    ops.delete_customer(session, org.id, customer.id)
    session.commit()
    context = ops.get_activity_context(session, org.id, customer.id, ana.id)
    assert context == {
        "organization": {"id": org.id, "name": "Org A", "slug": org.slug,
                         "email": "a@org.example", "language": "es", "timezone": "UTC"},
        "customer": {"id": customer.id, "display_name": "Cliente", "language": None},
        "contact": {"id": ana.id, "name": "Ana", "email": "ana@example.com"}}
    assert ops.get_activity_context(session, org.id, customer.id)["contact"] is None

    other_org, _ = ops.create_organization(session, {"name": "Org B", "email": "b@org.example"})
    with pytest.raises(CustomerNotFound):
        ops.get_activity_context(session, other_org.id, customer.id, ana.id)
    with pytest.raises(OrganizationNotFound):
        ops.get_activity_context(session, "no-such-org", customer.id)
    stranger = ops.create_customer(session, other_org.id, {
        "display_name": "Ajeno", "contacts": [{"first_name": "Zoe", "email": "z@example.com"}]})
    with pytest.raises(ContactNotFound):
        ops.get_activity_context(session, org.id, customer.id, stranger.contacts[0].id)


def test_sending_limits_come_from_the_environment():
    import subprocess
    import sys
    env = {"PORTAL_MESSAGES_PER_HOUR": "7", "PORTAL_MESSAGES_PER_DAY": "30",
           "PORTAL_REVIEWS_PER_DAY": "0", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", "from identity import operations as o; "
         "print(o.MESSAGES_PER_HOUR, o.MESSAGES_PER_DAY, o.REVIEWS_PER_DAY)"],
        env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["7", "30", "1"]  # a limit is at least 1
