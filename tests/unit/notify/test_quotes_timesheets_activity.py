"""quotes' and timesheets' events as staff and customers hear of them: a quote viewed (first
time), accepted or declined (with the reason), a sales order viewed, a timesheet viewed,
approved or rejected (with the reason), a customer's comment — as the organization's
preferences say — and staff's reply emailed to the contact (``comment_reply``).

The payloads are built through the publishers' own event schemas (quotes.events,
timesheets.events), as their outboxes record them. nameko's worker_factory with a real
SQLite session, a recording transport and a stand-in for identity's get_activity_context."""
import logging
import uuid

import pytest
from nameko.events import EventHandler
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from notify.activities import ACTIVITY_EVENTS
from notify.models import FeedEntry, OutgoingMail, ProcessedEvent
from notify.service import NotifyService
from portal_common.timeutil import utcnow
from quotes.events import SCHEMAS as QUOTES_EVENTS
from tests.unit.notify.conftest import BASE_URL, ORG_ID
from timesheets.events import SCHEMAS as TIMESHEETS_EVENTS

STAFF = "staff@talleres.example"
MARTA = "marta@ferreteria.example"
PUBLISHERS = {"quotes": QUOTES_EVENTS, "timesheets": TIMESHEETS_EVENTS}
PROJECT = "Web corporativa"


@pytest.fixture
def service(session, transport, identity):
    return worker_factory(NotifyService, db=session, transport=transport, identity=identity)


def event(source, event_type, payload, *, event_id=None, customer_id="cus-1"):
    """An envelope as the publisher's outbox relay sends it: the payload loaded and dumped
    by the publisher's schema for that event (so it is exactly what it publishes)."""
    schema = PUBLISHERS[source][event_type]
    body = schema.dump(schema.load({"customer_id": customer_id, **payload}))
    return {"event_id": event_id or str(uuid.uuid4()), "event_type": event_type,
            "occurred_at": utcnow().isoformat(), "organization_id": ORG_ID, "payload": body}


def quote_event(event_type, *, contact_id="con-1", revision=1, **extra):
    return event("quotes", event_type, {
        "contact_id": contact_id,
        "document": {"type": "quote", "id": "q-1", "number": "QT-00001"},
        "revision": revision, "currency": "EUR", "total": "1068.00", **extra})


def sales_order_viewed():
    return event("quotes", "sales_order_viewed", {
        "contact_id": "con-1",
        "document": {"type": "sales_order", "id": "so-1", "number": "SO-00001"}})


def approval_event(event_type, **extra):
    return event("timesheets", event_type, {
        "contact_id": "con-1",
        "document": {"type": "approval", "id": "ap-1", "number": "TS-00001"},
        "project_id": "pr-1", "project_name": PROJECT, "period_start": "2026-11-02",
        "period_end": "2026-11-06", "total_hours": "14.50", "entry_count": 3, **extra})


def comment_event(source, document_type="quote", document_id="q-1", number="QT-00001",
                  body="¿Podrían dejarlo en 900 €?", event_type="comment_added", **kwargs):
    return event(source, event_type, {
        "document_type": document_type, "document_id": document_id,
        "document_number": number, "contact_id": "con-1", "author_name": "Marta Ibáñez",
        "body": body}, **kwargs)


def staff_replied(source="quotes", document_type="quote", document_id="q-1",
                  number="QT-00001", body="Les enviamos una versión revisada a 900 €.",
                  author_name="Luis Romero", **kwargs):
    payload = {"document_type": document_type, "document_id": document_id,
               "document_number": number, "contact_id": "con-1",
               "author_name": author_name, "body": body}
    return event(source, "staff_replied", payload, **kwargs)


def _text(sent):
    return sent["message"].get_body(("plain",)).get_content()


def _html(sent):
    return sent["message"].get_body(("html",)).get_content()


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def _entry(session):
    [entry] = session.scalars(select(FeedEntry)).all()
    return entry


# --- the table -----------------------------------------------------------------------------

def test_each_quotes_and_timesheets_event_is_an_activity_with_its_handler():
    assert {key: kind for key, kind in ACTIVITY_EVENTS.items()
            if key[0] in ("quotes", "timesheets")} == {
        ("quotes", "quote_viewed"): "quote_viewed",
        ("quotes", "quote_accepted"): "quote_accepted",
        ("quotes", "quote_declined"): "quote_declined",
        ("quotes", "comment_added"): "comment_added",
        ("quotes", "sales_order_viewed"): "sales_order_viewed",
        ("timesheets", "approval_viewed"): "approval_viewed",
        ("timesheets", "approval_approved"): "approval_approved",
        ("timesheets", "approval_rejected"): "approval_rejected",
        ("timesheets", "comment_added"): "comment_added",
    }
    handlers = {(entrypoint.source_service, entrypoint.event_type)
                for method in vars(NotifyService).values()
                for entrypoint in getattr(method, "nameko_entrypoints", ())
                if isinstance(entrypoint, EventHandler)}
    assert set(ACTIVITY_EVENTS) <= handlers
    assert {("quotes", "staff_replied"), ("timesheets", "staff_replied")} <= handlers


# --- quotes --------------------------------------------------------------------------------

def test_a_quote_viewed_the_first_time_is_a_feed_entry_and_no_email_by_default(
        service, transport, session, identity):
    envelope = quote_event("quote_viewed")
    service.on_quote_viewed(envelope)
    assert identity.calls == [(ORG_ID, "cus-1", "con-1")]
    assert transport.sent == []
    entry = _entry(session)
    assert entry.kind == "quote_viewed"
    assert entry.summary == "Marta Ibáñez (Ferretería Central) ha visto el presupuesto QT-00001"
    assert entry.document == {"type": "quote", "id": "q-1", "number": "QT-00001"}
    assert (entry.customer_id, entry.contact_id, entry.contact_name) == (
        "cus-1", "con-1", "Marta Ibáñez")
    assert entry.details == {"revision": 1, "currency": "EUR", "total": "1068.00"}
    assert session.get(ProcessedEvent, (envelope["event_id"], "notify.activity"))


def test_each_revision_viewed_is_its_own_entry(service, session):
    service.on_quote_viewed(quote_event("quote_viewed", revision=1))
    service.on_quote_viewed(quote_event("quote_viewed", revision=2))
    assert sorted(e.details["revision"] for e in session.scalars(select(FeedEntry))) == [1, 2]


def test_staff_who_ask_for_it_get_the_viewed_quote_by_email(service, transport):
    service.update_notification_preference(ORG_ID, "quote_viewed", {"email": True})
    service.on_quote_viewed(quote_event("quote_viewed"))
    [sent] = transport.sent
    assert sent["recipients"] == [STAFF]
    assert sent["message"]["Subject"] == "Ferretería Central ha visto el presupuesto QT-00001"


def test_an_accepted_quote_is_emailed_to_staff_and_in_the_feed(service, transport, session):
    service.on_quote_accepted(quote_event("quote_accepted", signature_name="Marta Ibáñez Soler",
                                          decided_by_name="Marta Ibáñez"))
    [sent] = transport.sent
    assert sent["recipients"] == [STAFF]
    assert sent["message"]["Subject"] == "Ferretería Central ha aceptado el presupuesto QT-00001"
    text = _text(sent)
    assert "Marta Ibáñez (Ferretería Central) ha aceptado el presupuesto QT-00001" in text
    assert "Documento: presupuesto QT-00001\n" in text
    entry = _entry(session)
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha aceptado el presupuesto "
                             "QT-00001")
    assert entry.details["signature_name"] == "Marta Ibáñez Soler"


def test_a_declined_quote_gives_staff_the_reason_in_the_email_and_the_feed(
        service, transport, session):
    service.on_quote_declined(quote_event("quote_declined",
                                          reason="Se sale de nuestro presupuesto",
                                          decided_by_name="Marta Ibáñez"))
    [sent] = transport.sent
    assert sent["message"]["Subject"] == "Ferretería Central ha rechazado el presupuesto QT-00001"
    assert "Motivo: Se sale de nuestro presupuesto\n" in _text(sent)
    entry = _entry(session)
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha rechazado el presupuesto "
                             "QT-00001: «Se sale de nuestro presupuesto»")
    assert entry.details["reason"] == "Se sale de nuestro presupuesto"


def test_a_quote_declined_without_a_reason_says_nothing_of_one(
        service, transport, session, identity):
    identity.organizations[ORG_ID]["language"] = "en"
    service.on_quote_declined(quote_event("quote_declined", reason="",
                                          decided_by_name="Marta Ibáñez"))
    text = _text(transport.sent[0])
    assert "declined quote QT-00001" in text and "Reason" not in text
    assert _entry(session).summary == "Marta Ibáñez (Ferretería Central) declined quote QT-00001"


def test_a_customers_comment_on_a_quote_is_emailed_and_quoted_in_the_feed(
        service, transport, session):
    service.on_quote_comment_added(comment_event("quotes"))
    [sent] = transport.sent
    assert sent["message"]["Subject"] == (
        "Nuevo comentario de Ferretería Central: presupuesto QT-00001")
    assert "Comentario:\n¿Podrían dejarlo en 900 €?\n" in _text(sent)
    entry = _entry(session)
    assert entry.kind == "comment_added"
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha comentado "
                             "(presupuesto QT-00001): «¿Podrían dejarlo en 900 €?»")
    assert entry.document == {"type": "quote", "id": "q-1", "number": "QT-00001"}


def test_a_sales_order_viewed_the_first_time_is_a_feed_entry(service, transport, session):
    service.on_sales_order_viewed(sales_order_viewed())
    assert transport.sent == []
    entry = _entry(session)
    assert entry.kind == "sales_order_viewed"
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha visto la orden de venta "
                             "SO-00001")
    assert entry.document == {"type": "sales_order", "id": "so-1", "number": "SO-00001"}


# --- timesheets ----------------------------------------------------------------------------

def test_a_timesheet_viewed_and_approved_are_feed_entries_only_by_default(
        service, transport, session):
    service.on_approval_viewed(approval_event("approval_viewed"))
    service.on_approval_approved(approval_event("approval_approved",
                                                decided_by_name="Marta Ibáñez"))
    assert transport.sent == []
    entries = {e.kind: e for e in session.scalars(select(FeedEntry))}
    assert entries["approval_viewed"].summary == (
        "Marta Ibáñez (Ferretería Central) ha visto la hoja de horas TS-00001")
    assert entries["approval_approved"].summary == (
        "Marta Ibáñez (Ferretería Central) ha aprobado la hoja de horas TS-00001")
    assert entries["approval_viewed"].document == {"type": "approval", "id": "ap-1",
                                                   "number": "TS-00001"}
    assert entries["approval_approved"].details["project_name"] == PROJECT
    assert entries["approval_approved"].details["total_hours"] == "14.50"


def test_a_rejected_timesheet_carries_the_reason_in_the_feed_and_the_email(
        service, transport, session):
    reason = "La maquetación del martes está duplicada"
    rejected = approval_event("approval_rejected", decided_by_name="Marta Ibáñez",
                              reason=reason)
    service.on_approval_rejected(rejected)
    assert transport.sent == []                        # by default: the feed only
    entry = _entry(session)
    assert entry.summary == ("Marta Ibáñez (Ferretería Central) ha rechazado la hoja de horas "
                             f"TS-00001: «{reason}»")
    assert entry.details["reason"] == reason

    service.update_notification_preference(ORG_ID, "approval_rejected", {"email": True})
    service.on_approval_rejected(approval_event("approval_rejected",
                                                decided_by_name="Marta Ibáñez",
                                                reason=reason))
    [sent] = transport.sent
    assert sent["recipients"] == [STAFF]
    assert sent["message"]["Subject"] == (
        "Ferretería Central ha rechazado la hoja de horas TS-00001")
    text = _text(sent)
    assert "Documento: hoja de horas TS-00001\n" in text
    assert f"Motivo: {reason}\n" in text


def test_in_english_a_rejected_timesheet_is_a_timesheet(service, transport, session, identity):
    identity.organizations[ORG_ID]["language"] = "en"
    service.update_notification_preference(ORG_ID, "approval_rejected", {"email": True})
    service.on_approval_rejected(approval_event("approval_rejected",
                                                decided_by_name="Marta Ibáñez",
                                                reason="Tuesday is there twice"))
    [sent] = transport.sent
    assert sent["message"]["Subject"] == "Ferretería Central rejected timesheet TS-00001"
    text = _text(sent)
    assert "Document: timesheet TS-00001\n" in text and "Reason: Tuesday is there twice\n" in text
    assert _entry(session).summary == ("Marta Ibáñez (Ferretería Central) rejected timesheet "
                                       "TS-00001: “Tuesday is there twice”")


def test_comments_on_a_timesheet_and_on_a_project_name_them(service, transport, session):
    service.on_timesheet_comment_added(comment_event(
        "timesheets", "approval", "ap-1", "TS-00001", body="El martes está repetido"))
    service.on_timesheet_comment_added(comment_event(
        "timesheets", "project", "pr-1", PROJECT, body="¿Cuándo empieza la fase 2?"))
    subjects = sorted(sent["message"]["Subject"] for sent in transport.sent)
    assert subjects == ["Nuevo comentario de Ferretería Central: hoja de horas TS-00001",
                        f"Nuevo comentario de Ferretería Central: proyecto {PROJECT}"]
    summaries = sorted(e.summary for e in session.scalars(select(FeedEntry)))
    assert summaries == [
        "Marta Ibáñez (Ferretería Central) ha comentado (hoja de horas TS-00001): "
        "«El martes está repetido»",
        f"Marta Ibáñez (Ferretería Central) ha comentado (proyecto {PROJECT}): "
        "«¿Cuándo empieza la fase 2?»"]
    documents = {e.document["type"]: e.document for e in session.scalars(select(FeedEntry))}
    assert documents["project"] == {"type": "project", "id": "pr-1", "number": PROJECT}


def test_a_project_with_a_long_name_is_named_whole_and_cut_only_in_the_number_column(
        service, transport, session):
    name = "Rediseño completo de la web corporativa y de la tienda online " * 2
    name = name.strip()[:200]
    service.on_timesheet_comment_added(comment_event("timesheets", "project", "pr-1", name))
    [sent] = transport.sent
    assert f"Documento: proyecto {name}\n" in _text(sent)
    entry = _entry(session)
    assert f"(proyecto {name})" in entry.summary
    assert len(entry.document_number) == 60 and entry.document_number.endswith("…")


# --- a redelivered event ------------------------------------------------------------------

@pytest.mark.parametrize("handler, envelope", [
    ("on_quote_viewed", lambda: quote_event("quote_viewed")),
    ("on_quote_accepted", lambda: quote_event("quote_accepted", signature_name=None,
                                              decided_by_name="Marta Ibáñez")),
    ("on_quote_declined", lambda: quote_event("quote_declined", reason="Caro",
                                              decided_by_name="Marta Ibáñez")),
    ("on_quote_comment_added", lambda: comment_event("quotes")),
    ("on_sales_order_viewed", sales_order_viewed),
    ("on_approval_viewed", lambda: approval_event("approval_viewed")),
    ("on_approval_approved", lambda: approval_event("approval_approved",
                                                    decided_by_name="Marta Ibáñez")),
    ("on_approval_rejected", lambda: approval_event("approval_rejected",
                                                    decided_by_name="Marta Ibáñez",
                                                    reason="Duplicada")),
    ("on_timesheet_comment_added", lambda: comment_event("timesheets", "approval", "ap-1",
                                                         "TS-00001")),
])
def test_a_redelivered_activity_adds_nothing_twice(
        service, transport, session, identity, handler, envelope):
    for kind in ("quote_viewed", "sales_order_viewed", "approval_viewed", "approval_approved",
                 "approval_rejected"):
        service.update_notification_preference(ORG_ID, kind, {"email": True})
    delivered = envelope()
    getattr(service, handler)(delivered)
    getattr(service, handler)(delivered)
    assert _count(session, FeedEntry) == 1
    assert [sent["recipients"] for sent in transport.sent] == [[STAFF]]
    assert _count(session, OutgoingMail) == 1
    assert len(identity.calls) == 1


# --- staff reply emailed to the contact ----------------------------------------------------

def test_a_staff_reply_on_a_quote_emails_the_contact_once_with_the_portal_link(
        service, transport, session, identity):
    envelope = staff_replied()
    service.on_quote_staff_replied(envelope)
    service.on_quote_staff_replied(envelope)           # redelivered: nothing more
    assert identity.calls == [(ORG_ID, "cus-1", "con-1")]
    [sent] = transport.sent
    assert sent["recipients"] == [MARTA]
    message = sent["message"]
    assert message["Subject"] == "Talleres Norte S.L. ha respondido sobre su presupuesto QT-00001"
    assert message["Reply-To"] == STAFF
    text = _text(sent)
    assert text.startswith("Hola, Marta Ibáñez:\n\nLuis Romero (Talleres Norte S.L.) ha "
                           "respondido sobre su presupuesto QT-00001:\n\n"
                           "Les enviamos una versión revisada a 900 €.\n")
    link = f"{BASE_URL}/portal/talleres/quotes/q-1"
    assert link in text
    html = _html(sent)
    assert f'href="{link}"' in html and "Ver en el portal" in html
    [mail] = session.scalars(select(OutgoingMail)).all()
    assert (mail.kind, mail.language, mail.to_address) == ("comment_reply", "es", MARTA)
    assert _count(session, FeedEntry) == 0             # not customer activity
    assert session.get(ProcessedEvent, (envelope["event_id"], "notify.staff_reply"))


def test_the_reply_is_in_the_customers_language(service, transport, identity):
    identity.customers["cus-1"][1]["language"] = "en"
    service.on_timesheet_staff_replied(staff_replied(
        "timesheets", "approval", "ap-1", "TS-00001", body="We removed Tuesday's duplicate.",
        author_name=""))
    [sent] = transport.sent
    assert sent["message"]["Subject"] == "Talleres Norte S.L. replied about your timesheet TS-00001"
    text = _text(sent)
    assert text.startswith("Hello Marta Ibáñez,\n\nTalleres Norte S.L. replied about your "
                           "timesheet TS-00001:\n\nWe removed Tuesday's duplicate.\n")
    link = f"{BASE_URL}/portal/talleres/timesheets/ap-1"
    assert link in text and "View in the portal" in _html(sent)


def test_a_reply_on_a_project_links_to_the_project(service, transport):
    service.on_timesheet_staff_replied(staff_replied("timesheets", "project", "pr-1", PROJECT))
    [sent] = transport.sent
    assert sent["message"]["Subject"] == (
        f"Talleres Norte S.L. ha respondido sobre su proyecto {PROJECT}")
    assert f"{BASE_URL}/portal/talleres/projects/pr-1" in _text(sent)


def test_the_reply_goes_whatever_the_staff_notification_preferences_say(service, transport):
    service.update_notification_preference(ORG_ID, "comment_added",
                                           {"email": False, "feed": False})
    service.on_quote_staff_replied(staff_replied())
    assert [sent["recipients"] for sent in transport.sent] == [[MARTA]]


def test_a_contact_without_an_address_gets_nothing_and_the_event_is_done(
        service, transport, session, identity, caplog):
    caplog.set_level(logging.WARNING, logger="notify.comment_reply")
    identity.contacts["con-1"]["email"] = ""
    envelope = staff_replied()
    service.on_quote_staff_replied(envelope)
    assert transport.sent == [] and _count(session, OutgoingMail) == 0
    assert session.get(ProcessedEvent, (envelope["event_id"], "notify.staff_reply"))
    assert [r for r in caplog.records if r.getMessage() == "comment_reply_without_address"]


# --- malformed events -----------------------------------------------------------------------

def _malformed():
    no_body = staff_replied()
    no_body["payload"]["body"] = ""
    no_contact = staff_replied()
    del no_contact["payload"]["contact_id"]
    unknown_document = staff_replied()
    unknown_document["payload"]["document_type"] = "invoice"   # no portal page to link
    no_customer = quote_event("quote_declined", reason="x", decided_by_name="M")
    del no_customer["payload"]["customer_id"]
    bad_document = approval_event("approval_rejected", decided_by_name="M", reason="x")
    del bad_document["payload"]["document"]["type"]
    empty_comment = comment_event("timesheets", "project", "pr-1", PROJECT)
    empty_comment["payload"]["body"] = ""
    return [("on_quote_staff_replied", no_body), ("on_timesheet_staff_replied", no_contact),
            ("on_quote_staff_replied", unknown_document),
            ("on_quote_declined", no_customer), ("on_approval_rejected", bad_document),
            ("on_timesheet_comment_added", empty_comment),
            ("on_quote_staff_replied", {"no": "id"}), ("on_approval_viewed", "not a dict")]


def test_a_malformed_event_is_rejected_logged_and_nothing_is_queued(
        service, transport, session, identity, caplog):
    caplog.set_level(logging.ERROR, logger="notify.service")
    cases = _malformed()
    for handler, envelope in cases:
        getattr(service, handler)(envelope)
    assert identity.calls == [] and transport.sent == []
    assert _count(session, OutgoingMail) == 0 and _count(session, FeedEntry) == 0
    rejected = [r for r in caplog.records if r.getMessage() == "event_rejected"]
    assert len(rejected) == len(cases)
    assert rejected[0].invalid_fields == ["body"]
    assert rejected[2].invalid_fields == ["document_type"]
