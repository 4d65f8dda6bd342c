"""notify over nameko: events in, emails out, templates and the mail queue for staff."""
import logging

import eventlet
from marshmallow import ValidationError
from nameko.events import event_handler
from nameko.timer import timer

from portal_common.events import OutboxRelay, handles_once
from portal_common.health import HealthRpc
from portal_common.rpc import rpc

from . import config
from . import operations as ops
from .dependencies import MailTransport, notify_database
from .incoming import ContactInvited, Envelope
from .invitation import invitation_request
from .mail_queue import claim, deliver, queue_mail, send_due
from .models import Outbox, ProcessedEvent
from .schemas import (EmailTemplateSchema, OutgoingMailDetailSchema, OutgoingMailSchema,
                      page_of)

log = logging.getLogger(__name__)

template_schema = EmailTemplateSchema()
mail_schema = OutgoingMailSchema()
mail_detail_schema = OutgoingMailDetailSchema()


class NotifyService(HealthRpc, OutboxRelay):
    name = "notify"

    db = notify_database()
    transport = MailTransport()
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
