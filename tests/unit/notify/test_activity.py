"""Customer activity → feed entry and/or staff email, by the organization's preferences;
the preferences and the feed as staff use them; the password-changed email.

nameko's worker_factory with a real SQLite session, a recording transport and a
stand-in for identity's get_activity_context."""
import inspect
import logging
from datetime import timedelta

import pytest
from nameko.events import EventHandler
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from notify.activities import ACTIVITY_EVENTS, ACTIVITY_KINDS
from notify.activity_events import format_changes
from notify.catalog import KINDS, STAFF_EMAILS
from notify.exceptions import (FeedEntryNotFound, InvalidFeedQuery, NotificationKindNotFound,
                               NotificationPreferenceInvalid)
from notify.models import FeedEntry, OutgoingMail, ProcessedEvent
from notify.rendering import default_template
from notify.service import NotifyService
from portal_common.timeutil import utcnow
from tests.unit.notify.conftest import (BASE_URL, ORG_ID, activity_envelope, customer_message,
                                        details_updated, review)

SCRIPT = "<script>alert('x')</script>"
VIEWED_QUOTE = "A customer views a quote for the first time"


@pytest.fixture
def service(session, transport, identity):
    return worker_factory(NotifyService, db=session, transport=transport, identity=identity)


def _text(sent):
    return sent["message"].get_body(("plain",)).get_content()


def _html(sent):
    return sent["message"].get_body(("html",)).get_content()


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


# --- the tables ------------------------------------------------------------------------

def test_every_activity_event_has_one_handler_and_every_kind_an_email_in_both_languages():
    handled = {(entrypoint.source_service, entrypoint.event_type)
               for _, method in inspect.getmembers(NotifyService, callable)
               for entrypoint in getattr(method, "nameko_entrypoints", ())
               if isinstance(entrypoint, EventHandler)}
    assert set(ACTIVITY_EVENTS) <= handled
    assert set(ACTIVITY_EVENTS.values()) <= set(ACTIVITY_KINDS)
    assert list(ACTIVITY_KINDS) == [
        "quote_viewed", "quote_accepted", "quote_declined", "invoice_viewed",
        "sales_order_viewed", "approval_viewed", "approval_approved", "approval_rejected",
        "comment_added", "payment_made", "payment_failed", "details_updated",
        "review_submitted", "customer_message"]
    for kind in ACTIVITY_KINDS.values():
        assert KINDS[kind.email_kind] is STAFF_EMAILS[kind.key]
        for language in ("es", "en"):
            assert default_template(kind.email_kind, language).subject


def test_changes_are_shown_old_to_new_with_labels_in_the_language():
    changes = [{"field": "city", "old": "Madrid", "new": "Sevilla"},
               {"field": "street2", "old": "", "new": "Piso 2"},
               {"field": "allow_ach", "old": False, "new": True},
               {"field": "tax_code", "old": None, "new": "B123"}]
    assert format_changes(changes, "es").splitlines() == [
        "Ciudad: Madrid → Sevilla", "Dirección (2): (vacío) → Piso 2", "allow_ach: No → Sí",
        "tax_code: (vacío) → B123"]
    assert format_changes(changes[:1], "en") == "City: Madrid → Sevilla"


# --- details updated: default email and feed entry ------------------------------------------

def test_details_updated_emails_staff_every_change_and_adds_a_feed_entry(
        service, transport, session, identity):
    envelope = details_updated()
    service.on_customer_details_updated(envelope)

    assert identity.calls == [(ORG_ID, "cus-1", "con-1")]
    [sent] = transport.sent
    message = sent["message"]
    assert sent["recipients"] == ["staff@talleres.example"]
    assert message["Subject"] == ("Ferretería Central ha actualizado sus datos: "
                                  "Dirección de facturación")
    assert message["From"].addresses[0].display_name == "Talleres Norte S.L."
    assert message["Reply-To"] == "staff@talleres.example"
    assert message["Content-Language"] == "es"
    text = _text(sent)
    assert "Marta Ibáñez (Ferretería Central) ha cambiado sus datos" in text
    assert "Ciudad: Madrid → Sevilla\nCódigo postal: 28013 → 41001\n" in text
    assert "Ciudad: Madrid → Sevilla<br>Código postal: 28013 → 41001" in _html(sent)

    entry = session.scalar(select(FeedEntry))
    assert (entry.organization_id, entry.kind, entry.event_id) == (
        ORG_ID, "details_updated", envelope["event_id"])
    assert (entry.customer_name, entry.contact_name) == ("Ferretería Central", "Marta Ibáñez")
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha actualizado sus datos: "
                             "Dirección de facturación")
    assert entry.details["changes"][0] == {"field": "city", "old": "Madrid", "new": "Sevilla"}
    assert session.get(ProcessedEvent, (envelope["event_id"], "notify.activity"))


def test_an_english_organization_gets_the_english_email_and_feed_line(
        service, transport, session, identity):
    identity.organizations[ORG_ID]["language"] = "en"
    service.on_customer_details_updated(details_updated(section="contact", changes=[
        {"field": "phone", "old": "600 000 000", "new": "611 111 111"}]))
    [sent] = transport.sent
    assert sent["message"]["Subject"] == "Ferretería Central updated their details: Contact details"
    assert "Phone: 600 000 000 → 611 111 111" in _text(sent)
    assert session.scalar(select(FeedEntry.summary)) == (
        "Marta Ibáñez (Ferretería Central) updated their details: Contact details")


def test_the_same_event_twice_gives_one_entry_one_email_and_one_question_to_identity(
        service, transport, session, identity):
    envelope = details_updated()
    service.on_customer_details_updated(envelope)
    service.on_customer_details_updated(dict(envelope))
    service.send_queued_mail()
    assert len(transport.sent) == 1
    assert _count(session, FeedEntry) == 1 and _count(session, OutgoingMail) == 1
    assert len(identity.calls) == 1


# --- preferences decide ----------------------------------------------------------------------

def test_a_review_is_a_feed_entry_only_until_staff_ask_for_email(service, transport, session):
    service.on_review_submitted(review(rating=4))
    assert transport.sent == []
    assert session.scalar(select(FeedEntry.summary)) == (
        "Marta Ibáñez (Ferretería Central) ha escrito una opinión (4/5)")

    service.update_notification_preference(ORG_ID, "review_submitted", {"email": True})
    service.on_review_submitted(review(rating=2, message="Tardaron en contestar"))
    [sent] = transport.sent
    assert sent["message"]["Subject"] == "Ferretería Central ha escrito una opinión (2/5)"
    assert "Valoración: 2 de 5" in _text(sent) and "Tardaron en contestar" in _text(sent)
    assert _count(session, FeedEntry) == 2


def test_with_both_off_nothing_is_added_but_the_event_counts_as_handled(
        service, transport, session):
    service.update_notification_preference(ORG_ID, "details_updated",
                                           {"email": False, "feed": False})
    envelope = details_updated()
    service.on_customer_details_updated(envelope)
    assert transport.sent == [] and _count(session, FeedEntry) == 0
    assert session.get(ProcessedEvent, (envelope["event_id"], "notify.activity"))


def test_email_only_and_feed_only(service, transport, session):
    service.update_notification_preference(ORG_ID, "details_updated", {"feed": False})
    service.on_customer_details_updated(details_updated())
    assert len(transport.sent) == 1 and _count(session, FeedEntry) == 0
    service.update_notification_preference(ORG_ID, "details_updated",
                                           {"email": False, "feed": True})
    service.on_customer_details_updated(details_updated())
    assert len(transport.sent) == 1 and _count(session, FeedEntry) == 1


def test_preferences_list_defaults_from_the_seed(service):
    items = service.list_notification_preferences(ORG_ID)["items"]
    assert [item["kind"] for item in items] == list(ACTIVITY_KINDS)
    assert all(item["feed"] and not item["customized"] for item in items)
    assert {item["kind"] for item in items if item["email"]} == {
        "quote_accepted", "quote_declined", "comment_added", "payment_made", "payment_failed",
        "details_updated", "customer_message"}
    assert items[0] == {"kind": "quote_viewed", "description": VIEWED_QUOTE,
                        "email": False, "feed": True, "customized": False}


def test_preferences_change_partially_per_organization_and_reset(service):
    changed = service.update_notification_preference(ORG_ID, "quote_viewed", {"email": True})
    assert changed == {"kind": "quote_viewed", "description": VIEWED_QUOTE,
                       "email": True, "feed": True, "customized": True}
    assert service.update_notification_preference(ORG_ID, "quote_viewed", {"feed": False})[
        "email"] is True
    service.update_notification_preference(ORG_ID, "payment_made", {"email": False})
    other = service.list_notification_preferences("org-other")["items"]
    assert not any(item["customized"] for item in other)

    one = service.reset_notification_preference(ORG_ID, "quote_viewed")
    assert (one["email"], one["feed"], one["customized"]) == (False, True, False)
    mine = {i["kind"]: i for i in service.list_notification_preferences(ORG_ID)["items"]}
    assert mine["payment_made"]["customized"] is True
    everything = service.reset_notification_preferences(ORG_ID)["items"]
    assert not any(item["customized"] for item in everything)
    assert service.list_notification_preferences(ORG_ID)["items"] == everything


def test_unknown_kind_and_bad_bodies_are_refused(service):
    with pytest.raises(NotificationKindNotFound):
        service.update_notification_preference(ORG_ID, "invoice_paid", {"email": True})
    with pytest.raises(NotificationKindNotFound):
        service.reset_notification_preference(ORG_ID, "invoice_paid")
    with pytest.raises(NotificationPreferenceInvalid) as info:
        service.update_notification_preference(ORG_ID, "quote_viewed",
                                               {"email": "yes", "feed": 1, "sms": True})
    assert info.value.details == {"email": ["Use true or false."],
                                  "feed": ["Use true or false."], "sms": ["Unknown field."]}
    with pytest.raises(NotificationPreferenceInvalid) as info:
        service.update_notification_preference(ORG_ID, "quote_viewed", {})
    assert info.value.details == {"_schema": ["Send email, feed or both."]}
    assert not any(i["customized"] for i in service.list_notification_preferences(ORG_ID)["items"])


# --- the customer's message to the business -----------------------------------------------

def test_a_customer_message_goes_to_the_organization_with_reply_to_the_contact(
        service, transport, session):
    service.on_customer_message_sent(customer_message(
        subject="Duda sobre la factura 2026-014", message="Hola:\n\n¿Incluye el IVA?\nGracias"))
    [sent] = transport.sent
    message = sent["message"]
    assert sent["recipients"] == ["staff@talleres.example"]
    assert message["Subject"] == "Duda sobre la factura 2026-014"
    assert message["Reply-To"] == "marta@ferreteria.example"
    text = _text(sent)
    assert "Marta Ibáñez (Ferretería Central) le ha escrito desde el portal de clientes:" in text
    assert "Hola:\n\n¿Incluye el IVA?\nGracias\n" in text
    entry = session.scalar(select(FeedEntry))
    assert entry.kind == "customer_message"
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) le ha escrito: "
                             "Duda sobre la factura 2026-014")
    assert entry.details["message"] == "Hola:\n\n¿Incluye el IVA?\nGracias"


def test_script_in_every_text_is_escaped_in_html_and_plain_in_text(
        service, transport, identity):
    identity.customers["cus-1"][1]["display_name"] = f"ACME {SCRIPT}"
    identity.contacts["con-1"]["name"] = f'Marta "<b>bold</b>"'
    service.on_customer_message_sent(customer_message(subject=f"Hola {SCRIPT}",
                                                      message=f"Texto {SCRIPT}\n{{{{ 7*7 }}}}"))
    service.on_customer_details_updated(details_updated(changes=[
        {"field": "city", "old": SCRIPT, "new": "<img src=x onerror=alert(1)>"}]))
    first, second = transport.sent
    assert first["message"]["Subject"] == f"Hola {SCRIPT}"
    for sent in (first, second):
        html = _html(sent)
        assert "<script>" not in html and "<img" not in html and "<b>" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "ACME &lt;script&gt;" in html
        assert "Marta &#34;&lt;b&gt;bold&lt;/b&gt;&#34;" in html
        assert f"ACME {SCRIPT}" in _text(sent)
    assert f"Texto {SCRIPT}\n{{{{ 7*7 }}}}" in _text(first)      # never evaluated either
    assert "<title>Hola &lt;script&gt;" in _html(first)
    assert f"Ciudad: {SCRIPT} → <img src=x onerror=alert(1)>" in _text(second)
    assert "&lt;img src=x onerror=alert(1)&gt;" in _html(second)


# --- identity's answer ------------------------------------------------------------------------

@pytest.mark.parametrize("failure", [UnknownService("identity"), RpcTimeout("5s"),
                                     ConnectionError("broker went away"),
                                     RemoteError("MethodNotFound", "get_activity_context")])
def test_without_an_answer_from_identity_the_event_goes_back_to_its_queue(
        service, transport, session, identity, failure):
    identity.failures.append(failure)
    envelope = details_updated()
    with pytest.raises(type(failure)):
        service.on_customer_details_updated(envelope)
    assert _count(session, ProcessedEvent) == 0 and _count(session, FeedEntry) == 0
    service.on_customer_details_updated(envelope)          # redelivered: identity is back
    assert _count(session, FeedEntry) == 1 and len(transport.sent) == 1


@pytest.mark.parametrize("where", ["organization", "customer", "remote"])
def test_ids_identity_does_not_know_drop_the_event_with_an_error_line(
        service, transport, session, identity, caplog, where):
    caplog.set_level(logging.ERROR, logger="notify.service")
    if where == "organization":
        envelope = details_updated(org_id="org-gone")
    elif where == "customer":
        identity.customers["cus-2"] = ("org-other", {"id": "cus-2", "display_name": "Other"})
        envelope = details_updated(customer_id="cus-2")      # another organization's customer
    else:  # as it arrives where identity's exceptions were never imported
        identity.failures.append(RemoteError("CustomerNotFound", "Customer not found."))
        envelope = details_updated()
    service.on_customer_details_updated(envelope)
    assert transport.sent == [] and _count(session, FeedEntry) == 0
    [record] = [r for r in caplog.records if r.getMessage() == "event_dropped"]
    assert record.event_id == envelope["event_id"]


def test_a_malformed_activity_is_logged_and_acknowledged_without_asking_identity(
        service, transport, session, identity):
    bad_rating = review(rating=9)
    no_changes = details_updated()
    no_changes["payload"]["changes"] = []
    no_customer = customer_message()
    del no_customer["payload"]["customer_id"]
    for handler, envelope in ((service.on_review_submitted, bad_rating),
                              (service.on_customer_details_updated, no_changes),
                              (service.on_customer_message_sent, no_customer),
                              (service.on_customer_message_sent, {"no": "id"})):
        handler(envelope)
    assert identity.calls == [] and transport.sent == [] and _count(session, FeedEntry) == 0


# --- an activity on a document (a line in ACTIVITY_EVENTS and a handler stub) ---------------

def test_a_document_activity_names_the_document(service, transport, session):
    envelope = activity_envelope("quote_declined", {
        "document": {"type": "quote", "id": "q-1", "number": "QT-000123"},
        "reason": "Plazo demasiado largo"})
    service.on_quote_declined(envelope)
    [sent] = transport.sent
    assert sent["message"]["Subject"] == "Ferretería Central ha rechazado el presupuesto QT-000123"
    text = _text(sent)
    assert "Documento: presupuesto QT-000123" in text
    assert "Motivo: Plazo demasiado largo" in text
    entry = session.scalar(select(FeedEntry))
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha rechazado el presupuesto "
                             "QT-000123: «Plazo demasiado largo»")
    assert entry.document == {"type": "quote", "id": "q-1", "number": "QT-000123"}
    assert entry.details == {"reason": "Plazo demasiado largo"}


# --- the staff feed ------------------------------------------------------------------------

def _fill_feed(service, identity):
    identity.customers["cus-2"] = (ORG_ID, {"id": "cus-2", "display_name": "Bar Paco"})
    base = utcnow() - timedelta(hours=1)
    service.on_customer_details_updated(details_updated(occurred_at=base))
    service.on_review_submitted(review(occurred_at=base + timedelta(minutes=1)))
    service.on_customer_message_sent(customer_message(
        customer_id="cus-2", contact_id=None, occurred_at=base + timedelta(minutes=2)))


def test_the_feed_is_newest_first_with_filters_pages_and_an_unread_count(service, identity):
    _fill_feed(service, identity)
    page = service.list_feed(ORG_ID)
    assert [item["kind"] for item in page["items"]] == [
        "customer_message", "review_submitted", "details_updated"]
    assert (page["total"], page["page"], page["per_page"], page["pages"], page["unread"]) == (
        3, 1, 25, 1, 3)
    message = page["items"][0]
    assert message["customer"] == {"id": "cus-2", "name": "Bar Paco"}
    assert message["contact"] is None and message["document"] is None
    assert message["read"] is False and message["read_at"] is None
    assert message["summary"] == "Marta Ibáñez (Bar Paco) le ha escrito: Factura de marzo"

    assert service.list_feed(ORG_ID, {"customer_id": "cus-1"})["total"] == 2
    assert [i["kind"] for i in service.list_feed(ORG_ID, {"kind": "review_submitted"})[
        "items"]] == ["review_submitted"]
    second = service.list_feed(ORG_ID, {"per_page": 2, "page": 2})
    assert (len(second["items"]), second["pages"]) == (1, 2)
    assert second["items"][0]["kind"] == "details_updated"

    read = service.mark_feed_entry_read(ORG_ID, message["id"])
    assert read["read"] is True and read["read_at"]
    assert service.mark_feed_entry_read(ORG_ID, message["id"])["read_at"] == read["read_at"]
    unread = service.list_feed(ORG_ID, {"unread": "true"})
    assert (unread["total"], unread["unread"]) == (2, 2)
    assert [i["id"] for i in service.list_feed(ORG_ID, {"unread": "false"})["items"]] == [
        message["id"]]
    assert service.list_feed(ORG_ID, {"customer_id": "cus-1"})["unread"] == 2

    assert service.mark_all_feed_read(ORG_ID) == {"marked": 2}
    assert service.mark_all_feed_read(ORG_ID) == {"marked": 0}
    assert service.list_feed(ORG_ID)["unread"] == 0


def test_another_organizations_feed_entry_does_not_exist(service, identity):
    _fill_feed(service, identity)
    entry = service.list_feed(ORG_ID)["items"][0]
    assert service.get_feed_entry(ORG_ID, entry["id"]) == entry
    for call in (service.get_feed_entry, service.mark_feed_entry_read):
        with pytest.raises(FeedEntryNotFound):
            call("org-other", entry["id"])
    assert service.list_feed("org-other")["total"] == 0
    assert service.mark_all_feed_read("org-other") == {"marked": 0}
    assert service.list_feed(ORG_ID)["unread"] == 3


def test_a_bad_feed_query_is_refused_with_every_problem(service):
    with pytest.raises(InvalidFeedQuery) as info:
        service.list_feed(ORG_ID, {"unread": "maybe", "kind": "invoice_paid", "page": 0,
                                   "per_page": 500})
    assert set(info.value.details) == {"unread", "kind", "page", "per_page"}


# --- the contact's password ------------------------------------------------------------------

def _password_changed(language="en", **kwargs):
    return activity_envelope("contact_password_changed", {
        "email": "marta@ferreteria.example", "name": "Marta Ibáñez", "language": language},
        **kwargs)


def test_a_changed_password_is_told_to_the_contact_in_their_language_only(
        service, transport, session):
    envelope = _password_changed(language="en")
    service.on_contact_password_changed(envelope)
    service.on_contact_password_changed(dict(envelope))
    [sent] = transport.sent
    message = sent["message"]
    assert sent["recipients"] == ["marta@ferreteria.example"]
    assert message["Subject"] == "Your password for Talleres Norte S.L.'s portal was changed"
    assert message["Reply-To"] == "staff@talleres.example"
    text = _text(sent)
    assert "Hello Marta Ibáñez," in text
    assert f"Portal: {BASE_URL}/portal/talleres/" in text
    assert "(Europe/Madrid)" in text
    assert _count(session, FeedEntry) == 0                  # not a staff activity
    service.on_contact_password_changed(_password_changed(language="fr"))  # → org's: es
    assert transport.sent[1]["message"]["Subject"] == (
        "Su contraseña del portal de Talleres Norte S.L. ha cambiado")
