"""notify over nameko: events in, emails out, templates, the mail queue, notification
preferences and the staff feed for staff."""
import logging
from datetime import datetime

import eventlet
from marshmallow import ValidationError
from nameko.events import event_handler
from nameko.timer import timer

from portal_common.events import OutboxRelay, handles_once
from portal_common.health import HealthRpc
from portal_common.rpc import rpc
from portal_common.timeutil import as_utc, utcnow

from . import activity_events, config, document_email
from .comment_reply import comment_reply_request
from . import operations as ops
from .activities import ACTIVITY_EVENTS, ACTIVITY_HANDLER, ACTIVITY_KINDS
from .dependencies import IdentityRpc, MailTransport, is_not_found, notify_database
from .incoming import (ACTIVITY_PAYLOADS, ActivityContext, ActivityPayload,
                       ContactInvited, ContactPasswordChanged, Envelope, StaffReplied)
from .invitation import invitation_request
from .mail_queue import claim, deliver, queue_mail, send_due
from .models import Outbox, ProcessedEvent
from .password_changed import password_changed_request
from .payment_receipt import receipt_request
from .schemas import (EmailTemplateSchema, FeedEntrySchema, NotificationPreferenceSchema,
                      OutgoingMailDetailSchema, OutgoingMailSchema, page_of)

log = logging.getLogger(__name__)

template_schema = EmailTemplateSchema()
mail_schema = OutgoingMailSchema()
mail_detail_schema = OutgoingMailDetailSchema()
preference_schema = NotificationPreferenceSchema()
feed_entry_schema = FeedEntrySchema()

PASSWORD_CHANGED_HANDLER = "notify.contact_password_changed"
STAFF_REPLY_HANDLER = "notify.staff_reply"


class NotifyService(HealthRpc, OutboxRelay):
    name = "notify"

    db = notify_database()
    transport = MailTransport()
    identity = IdentityRpc()
    outbox_model = Outbox
    processed_model = ProcessedEvent

    # --- events in -------------------------------------------------------------
    # requeue_on_error: an event that could not be stored (database down) goes back
    # to its queue instead of being lost; handles_once makes the retry harmless.

    @event_handler("identity", "contact_invited", requeue_on_error=True)
    def on_contact_invited(self, envelope):
        if not isinstance(envelope, dict) or not envelope.get("event_id"):
            self._reject(envelope, {"event_id": ["missing"]})
            return
        mails = self._store(self._queue_invitation, envelope)
        self._send_now(mails or [])

    @handles_once("notify.contact_invited")
    def _queue_invitation(self, envelope):
        try:
            head = Envelope().load(envelope)
            payload = ContactInvited().load(head["payload"])
        except ValidationError as exc:
            return self._reject(envelope, exc.messages)
        if payload["organization"]["id"] != head["organization_id"]:
            return self._reject(envelope, {"organization": ["does not match the envelope"]})
        mail = queue_mail(self.db, invitation_request(head["event_id"], head["organization_id"],
                                                      payload))
        return [mail] if mail is not None else []

    # --- customer activity: one line each in activities.ACTIVITY_EVENTS, one stub here ---

    @event_handler("identity", "customer_details_updated", requeue_on_error=True)
    def on_customer_details_updated(self, envelope):
        self._on_activity("identity", "customer_details_updated", envelope)

    @event_handler("identity", "review_submitted", requeue_on_error=True)
    def on_review_submitted(self, envelope):
        self._on_activity("identity", "review_submitted", envelope)

    @event_handler("identity", "customer_message_sent", requeue_on_error=True)
    def on_customer_message_sent(self, envelope):
        self._on_activity("identity", "customer_message_sent", envelope)

    @event_handler("billing", "invoice_viewed", requeue_on_error=True)
    def on_invoice_viewed(self, envelope):
        self._on_activity("billing", "invoice_viewed", envelope)

    @event_handler("billing", "comment_added", requeue_on_error=True)
    def on_comment_added(self, envelope):
        self._on_activity("billing", "comment_added", envelope)

    @event_handler("billing", "payment_succeeded", requeue_on_error=True)
    def on_payment_succeeded(self, envelope):
        self._on_activity("billing", "payment_succeeded", envelope,
                          customer_mail=receipt_request)

    @event_handler("billing", "payment_failed", requeue_on_error=True)
    def on_payment_failed(self, envelope):
        self._on_activity("billing", "payment_failed", envelope)

    @event_handler("quotes", "quote_viewed", requeue_on_error=True)
    def on_quote_viewed(self, envelope):
        self._on_activity("quotes", "quote_viewed", envelope)

    @event_handler("quotes", "quote_accepted", requeue_on_error=True)
    def on_quote_accepted(self, envelope):
        self._on_activity("quotes", "quote_accepted", envelope)

    @event_handler("quotes", "quote_declined", requeue_on_error=True)
    def on_quote_declined(self, envelope):
        self._on_activity("quotes", "quote_declined", envelope)

    @event_handler("quotes", "comment_added", requeue_on_error=True)
    def on_quote_comment_added(self, envelope):
        self._on_activity("quotes", "comment_added", envelope)

    @event_handler("quotes", "sales_order_viewed", requeue_on_error=True)
    def on_sales_order_viewed(self, envelope):
        self._on_activity("quotes", "sales_order_viewed", envelope)

    @event_handler("timesheets", "approval_viewed", requeue_on_error=True)
    def on_approval_viewed(self, envelope):
        self._on_activity("timesheets", "approval_viewed", envelope)

    @event_handler("timesheets", "approval_approved", requeue_on_error=True)
    def on_approval_approved(self, envelope):
        self._on_activity("timesheets", "approval_approved", envelope)

    @event_handler("timesheets", "approval_rejected", requeue_on_error=True)
    def on_approval_rejected(self, envelope):
        self._on_activity("timesheets", "approval_rejected", envelope)

    @event_handler("timesheets", "comment_added", requeue_on_error=True)
    def on_timesheet_comment_added(self, envelope):
        self._on_activity("timesheets", "comment_added", envelope)

    def _on_activity(self, source, event_type, envelope, customer_mail=None):
        """Check the event, ask identity for the names (outside any transaction), then
        record the feed entry and/or queue the staff email with the event as handled.

        ``customer_mail(activity)`` → a MailRequest (or None) for an email to the customer
        that the event also calls for (the payment receipt), queued in that same
        transaction whatever the staff's preferences."""
        kind = ACTIVITY_KINDS[ACTIVITY_EVENTS[(source, event_type)]]
        loaded = self._load(envelope, ACTIVITY_PAYLOADS.get(kind.key, ActivityPayload))
        if loaded is None or self._already_handled(loaded[0], ACTIVITY_HANDLER):
            return
        head, payload = loaded
        context = self._activity_context(head, payload["customer_id"], payload["contact_id"])
        if context is None:
            return
        activity = activity_events.Activity(
            event_id=head["event_id"], organization_id=head["organization_id"], kind=kind,
            occurred_at=_occurred_at(head), payload={**head["payload"], **payload},
            context=context)
        mails = self._store(self._record_activity, {**head, "activity": activity,
                                                    "customer_mail": customer_mail})
        self._send_now(mails or [])

    @handles_once(ACTIVITY_HANDLER)
    def _record_activity(self, event):
        mails = activity_events.record(self.db, event["activity"])
        request = event["customer_mail"](event["activity"]) if event["customer_mail"] else None
        mail = queue_mail(self.db, request) if request is not None else None
        return mails + [mail] if mail is not None else mails

    # --- the contact's own account ------------------------------------------------------

    @event_handler("identity", "contact_password_changed", requeue_on_error=True)
    def on_contact_password_changed(self, envelope):
        loaded = self._load(envelope, ContactPasswordChanged)
        if loaded is None or self._already_handled(loaded[0], PASSWORD_CHANGED_HANDLER):
            return
        head, payload = loaded
        context = self._activity_context(head, payload["customer_id"], payload["contact_id"])
        if context is None:
            return
        request = password_changed_request(head["event_id"], head["organization_id"],
                                           _occurred_at(head), payload,
                                           context["organization"])
        mails = self._store(self._queue_password_changed, {**head, "request": request})
        self._send_now(mails or [])

    @handles_once(PASSWORD_CHANGED_HANDLER)
    def _queue_password_changed(self, event):
        mail = queue_mail(self.db, event["request"])
        return [mail] if mail is not None else []

    # --- staff answered a contact on a document (quotes, timesheets) -----------------------

    @event_handler("quotes", "staff_replied", requeue_on_error=True)
    def on_quote_staff_replied(self, envelope):
        self._on_staff_replied(envelope)

    @event_handler("timesheets", "staff_replied", requeue_on_error=True)
    def on_timesheet_staff_replied(self, envelope):
        self._on_staff_replied(envelope)

    def _on_staff_replied(self, envelope):
        """The ``comment_reply`` email to the contact the publisher names, whatever the
        staff's notification preferences say (staff chose to email); no feed entry."""
        loaded = self._load(envelope, StaffReplied)
        if loaded is None or self._already_handled(loaded[0], STAFF_REPLY_HANDLER):
            return
        head, payload = loaded
        context = self._activity_context(head, payload["customer_id"], payload["contact_id"])
        if context is None:
            return
        request = comment_reply_request(head["event_id"], head["organization_id"], payload,
                                        context)
        mails = self._store(self._queue_staff_reply, {**head, "request": request})
        self._send_now(mails or [])

    @handles_once(STAFF_REPLY_HANDLER)
    def _queue_staff_reply(self, event):
        mail = queue_mail(self.db, event["request"]) if event["request"] is not None else None
        return [mail] if mail is not None else []

    # --- what every handler shares -------------------------------------------------------

    def _load(self, envelope, payload_schema):
        """(envelope, payload) checked; None (logged) for an event no email can come of."""
        if not isinstance(envelope, dict) or not envelope.get("event_id"):
            self._reject(envelope, {"event_id": ["missing"]})
            return None
        try:
            head = Envelope().load(envelope)
            return head, payload_schema().load(head["payload"])
        except ValidationError as exc:
            self._reject(envelope, exc.messages)
            return None

    def _already_handled(self, head, handler) -> bool:
        """Seen before: acknowledge without asking identity again."""
        done = self.db.get(ProcessedEvent, (head["event_id"], handler)) is not None
        self.db.rollback()
        if done:
            log.info("event_duplicate_ignored", extra={"event_id": head["event_id"],
                                                       "handler": handler})
        return done

    def _activity_context(self, head, customer_id, contact_id):
        """identity's names for the event, or None (logged) when identity says the
        organization or customer is not there. Raises, after a pause, when identity cannot
        answer now, so the event goes back to its queue."""
        where = {"event_id": head["event_id"], "event_type": head["event_type"]}
        try:
            answer = self.identity.get_activity_context(head["organization_id"], customer_id,
                                                        contact_id)
            context = ActivityContext().load(answer)
        except Exception as exc:
            if is_not_found(exc):
                log.error("event_dropped", extra={**where, "reason": str(exc)[:200]})
                return None
            log.warning("identity_unavailable", extra={**where, "error": type(exc).__name__})
            eventlet.sleep(config.event_retry_delay())
            raise
        if context["organization"]["id"] != head["organization_id"]:
            self._reject(head, {"organization": ["does not match the envelope"]})
            return None
        return context

    def _store(self, method, envelope):
        try:
            return method(envelope)
        except Exception:
            self.db.rollback()
            log.exception("event_not_stored", extra={"event_id": envelope["event_id"]})
            eventlet.sleep(config.event_retry_delay())  # no tight redelivery loop
            raise

    @staticmethod
    def _reject(envelope, messages):
        """A malformed event is recorded as handled and logged: no email can come of it."""
        fields = sorted(messages) if isinstance(messages, dict) else []
        log.error("event_rejected", extra={
            "event_id": envelope.get("event_id") if isinstance(envelope, dict) else None,
            "event_type": envelope.get("event_type") if isinstance(envelope, dict) else None,
            "invalid_fields": fields})
        return []

    # --- mail out --------------------------------------------------------------

    def _send_now(self, mails):
        """Try the new (committed) mails at once; whatever does not go now, the timer retries."""
        for queued in mails:
            log.info("email_queued", extra={"mail_id": queued.id, "kind": queued.kind,
                                            "status": "queued"})
            try:
                mail = claim(self.db, queued.id)
                if mail is not None:
                    deliver(self.db, self.transport, mail)
            except Exception:
                self.db.rollback()
                log.exception("email_send_error", extra={"mail_id": queued.id,
                                                         "kind": queued.kind})
        if mails:
            self._relay()

    @timer(interval=config.SEND_INTERVAL_SECONDS)
    def send_queued_mail(self):
        counts = send_due(self.db, self.transport, config.send_batch())
        if counts["sent"] or counts["failed"]:
            self._relay()
        return counts

    def _relay(self):
        try:
            self.relay_outbox()
        except Exception:  # the relay's own timer publishes it later
            self.db.rollback()
            log.exception("outbox_relay_error")

    # --- a document forwarded from the portal --------------------------------------------

    @rpc
    def send_document_email(self, organization_id, data):
        """data: {to_email, to_name, language, document_type, document_number, sender_name,
        customer_name, organization_name, message?, reply_to?, attachment: {filename,
        content_base64}}. Queued with the PDF; the send timer delivers it (retries
        included) within NOTIFY_SEND_INTERVAL_SECONDS, so the caller never waits for SMTP."""
        mail = document_email.queue_document_email(self.db, organization_id, data)
        self.db.commit()
        log.info("email_queued", extra={"mail_id": mail.id, "kind": mail.kind,
                                        "status": "queued"})
        return {"mail_id": mail.id}

    # --- email templates (staff) -------------------------------------------------

    @rpc
    def list_email_templates(self, organization_id):
        return {"items": template_schema.dump(ops.list_templates(self.db, organization_id),
                                              many=True)}

    @rpc
    def get_email_template(self, organization_id, key, language):
        return template_schema.dump(ops.get_template(self.db, organization_id, key, language))

    @rpc
    def put_email_template(self, organization_id, key, language, data):
        result = ops.put_template(self.db, organization_id, key, language, data)
        self.db.commit()
        return template_schema.dump(result)

    @rpc
    def reset_email_template(self, organization_id, key, language):
        result = ops.reset_template(self.db, organization_id, key, language)
        self.db.commit()
        return template_schema.dump(result)

    # --- the outgoing mail queue (staff) ------------------------------------------

    @rpc
    def list_outgoing_mail(self, organization_id, query=None):
        result = ops.list_mail(self.db, organization_id, query or {})
        return page_of(mail_schema.dump(result["mails"], many=True), result["total"],
                       result["page"], result["per_page"])

    @rpc
    def get_outgoing_mail(self, organization_id, mail_id):
        return mail_detail_schema.dump(ops.get_mail(self.db, organization_id, mail_id))

    # --- notification preferences (staff) -------------------------------------------------

    @rpc
    def list_notification_preferences(self, organization_id):
        return {"items": preference_schema.dump(ops.list_preferences(self.db, organization_id),
                                                many=True)}

    @rpc
    def update_notification_preference(self, organization_id, kind, data):
        result = ops.update_preference(self.db, organization_id, kind, data)
        self.db.commit()
        return preference_schema.dump(result)

    @rpc
    def reset_notification_preference(self, organization_id, kind):
        [result] = ops.reset_preferences(self.db, organization_id, kind)
        self.db.commit()
        return preference_schema.dump(result)

    @rpc
    def reset_notification_preferences(self, organization_id):
        result = ops.reset_preferences(self.db, organization_id)
        self.db.commit()
        return {"items": preference_schema.dump(result, many=True)}

    # --- the staff feed ----------------------------------------------------------------

    @rpc
    def list_feed(self, organization_id, query=None):
        result = ops.list_feed(self.db, organization_id, query or {})
        return {**page_of(feed_entry_schema.dump(result["entries"], many=True), result["total"],
                          result["page"], result["per_page"]),
                "unread": result["unread"]}

    @rpc
    def get_feed_entry(self, organization_id, entry_id):
        return feed_entry_schema.dump(ops.get_feed_entry(self.db, organization_id, entry_id))

    @rpc
    def mark_feed_entry_read(self, organization_id, entry_id):
        entry = ops.mark_feed_entry_read(self.db, organization_id, entry_id)
        self.db.commit()
        return feed_entry_schema.dump(entry)

    @rpc
    def mark_all_feed_read(self, organization_id):
        marked = ops.mark_all_feed_read(self.db, organization_id)
        self.db.commit()
        return {"marked": marked}


def _occurred_at(head) -> datetime:
    """When the event says it happened; now if it does not say (or not readably)."""
    try:
        return as_utc(datetime.fromisoformat(head["occurred_at"]))
    except (TypeError, ValueError):
        return utcnow()
