"""The kinds of customer activity staff hear about, and which event is which kind.

Each kind has a notification preference per organization (email to staff,
an entry in the staff feed, both or neither; the defaults below follow the
seed: emails when a quote is accepted or declined, a comment is added, a
payment is made or fails, details are updated, and for messages from a
customer), an email kind in :mod:`notify.catalog` (``email_kind``) and a line
for the feed (``summary``).

:data:`ACTIVITY_EVENTS` is the one table from (publishing service, event type)
to activity kind. A service that starts publishing an activity adds its line
there and a three-line handler stub in :class:`notify.service.NotifyService`
(``self._on_activity(source, event_type, envelope)``); the payload needs
``customer_id`` and ``contact_id`` and, where there is one, ``document``
``{"type", "id", "number"}``. Preferences, feed, emails and their templates
then work for it unchanged.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class ActivityKind:
    key: str
    description: dict            # language -> what happened, for staff
    email: bool                  # default: email the organization
    feed: bool                   # default: an entry in the staff feed
    email_kind: str              # the catalog key of the email staff get
    summary: dict                # language -> the feed line; {who}, {document}, {...}


def _kind(key, es, en, *, email, summary_es, summary_en, email_kind=None, feed=True):
    return ActivityKind(key=key, description={"es": es, "en": en}, email=email, feed=feed,
                        email_kind=email_kind or f"staff_{key}",
                        summary={"es": summary_es, "en": summary_en})


ACTIVITY_KINDS = {kind.key: kind for kind in (
    _kind("quote_viewed", "Un cliente ve un presupuesto por primera vez",
          "A customer views a quote for the first time",
          email=False, summary_es="{who} ha visto el {document}",
          summary_en="{who} viewed {document}"),
    _kind("quote_accepted", "Un cliente acepta un presupuesto", "A customer accepts a quote",
          email=True, summary_es="{who} ha aceptado el {document}",
          summary_en="{who} accepted {document}"),
    _kind("quote_declined", "Un cliente rechaza un presupuesto", "A customer declines a quote",
          email=True, summary_es="{who} ha rechazado el {document}{reason_note}",
          summary_en="{who} declined {document}{reason_note}"),
    _kind("invoice_viewed", "Un cliente ve una factura por primera vez",
          "A customer views an invoice for the first time", email=False,
          summary_es="{who} ha visto la {document}", summary_en="{who} viewed {document}"),
    _kind("sales_order_viewed", "Un cliente ve una orden de venta por primera vez",
          "A customer views a sales order for the first time", email=False,
          summary_es="{who} ha visto la {document}", summary_en="{who} viewed {document}"),
    _kind("approval_viewed", "Un cliente ve una hoja de horas por primera vez",
          "A customer views a timesheet for the first time", email=False,
          summary_es="{who} ha visto la {document}", summary_en="{who} viewed {document}"),
    _kind("approval_approved", "Un cliente aprueba una hoja de horas",
          "A customer approves a timesheet", email=False,
          summary_es="{who} ha aprobado la {document}", summary_en="{who} approved {document}"),
    _kind("approval_rejected", "Un cliente rechaza una hoja de horas",
          "A customer rejects a timesheet", email=False,
          summary_es="{who} ha rechazado la {document}{reason_note}",
          summary_en="{who} rejected {document}{reason_note}"),
    _kind("comment_added", "Un cliente añade un comentario", "A customer adds a comment",
          email=True, summary_es="{who} ha comentado ({document}): «{comment_excerpt}»",
          summary_en="{who} commented on {document}: “{comment_excerpt}”"),
    _kind("payment_made", "Un cliente realiza un pago", "A customer makes a payment",
          email=True, summary_es="{who} ha realizado un pago de {amount} ({document}): "
                                 "{invoice_list}",
          summary_en="{who} made a payment of {amount} ({document}): {invoice_list}"),
    _kind("payment_failed", "El pago de un cliente falla", "A customer's payment fails",
          email=True, summary_es="{who} no ha podido pagar {amount} ({invoice_list}): "
                                 "{failure}",
          summary_en="{who} could not pay {amount} ({invoice_list}): {failure}"),
    _kind("details_updated", "Un cliente actualiza sus datos", "A customer updates their details",
          email=True, summary_es="{who} ha actualizado sus datos: {section}",
          summary_en="{who} updated their details: {section}"),
    _kind("review_submitted", "Un cliente escribe una opinión", "A customer writes a review",
          email=False, summary_es="{who} ha escrito una opinión ({rating}/5)",
          summary_en="{who} wrote a review ({rating}/5)"),
    _kind("customer_message", "Un cliente le escribe desde el portal",
          "A customer emails you from the portal", email=True, email_kind="customer_message",
          summary_es="{who} le ha escrito: {subject}", summary_en="{who} wrote to you: {subject}"),
)}

# (publishing service, event type) -> activity kind. One line per event notify consumes
# as customer activity; each has a handler stub in NotifyService.
ACTIVITY_EVENTS = {
    ("billing", "invoice_viewed"): "invoice_viewed",
    ("billing", "comment_added"): "comment_added",
    ("billing", "payment_succeeded"): "payment_made",
    ("billing", "payment_failed"): "payment_failed",
    ("identity", "customer_details_updated"): "details_updated",
    ("identity", "review_submitted"): "review_submitted",
    ("identity", "customer_message_sent"): "customer_message",
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

# The one handler name under which every activity event is recorded as handled.
ACTIVITY_HANDLER = "notify.activity"

# What a document is called in a feed line or an email: "el presupuesto QT-1" needs the
# noun; a type not listed here is shown as it comes.
DOCUMENT_TYPES = {
    "quote": {"es": "presupuesto", "en": "quote"},
    "invoice": {"es": "factura", "en": "invoice"},
    "retainer_invoice": {"es": "factura de anticipo", "en": "retainer invoice"},
    "credit_note": {"es": "nota de crédito", "en": "credit note"},
    "sales_order": {"es": "orden de venta", "en": "sales order"},
    "timesheet_approval": {"es": "hoja de horas", "en": "timesheet"},
    "approval": {"es": "hoja de horas", "en": "timesheet"},
    "project": {"es": "proyecto", "en": "project"},
    "payment": {"es": "pago", "en": "payment"},
}

# customer_details_updated: the sections and fields identity names, as staff read them.
SECTIONS = {
    "company": {"es": "Datos de la empresa", "en": "Company details"},
    "billing_address": {"es": "Dirección de facturación", "en": "Billing address"},
    "shipping_address": {"es": "Dirección de envío", "en": "Shipping address"},
    "contact": {"es": "Datos de contacto", "en": "Contact details"},
}
FIELDS = {
    "display_name": {"es": "Nombre", "en": "Name"},
    "company_name": {"es": "Razón social", "en": "Company name"},
    "email": {"es": "Correo electrónico", "en": "Email"},
    "phone": {"es": "Teléfono", "en": "Phone"},
    "website": {"es": "Sitio web", "en": "Website"},
    "language": {"es": "Idioma", "en": "Language"},
    "currency": {"es": "Moneda", "en": "Currency"},
    "first_name": {"es": "Nombre", "en": "First name"},
    "last_name": {"es": "Apellidos", "en": "Last name"},
    "attention": {"es": "A la atención de", "en": "Attention"},
    "street": {"es": "Dirección", "en": "Street"},
    "street2": {"es": "Dirección (2)", "en": "Street (2)"},
    "city": {"es": "Ciudad", "en": "City"},
    "state": {"es": "Provincia", "en": "State"},
    "postal_code": {"es": "Código postal", "en": "Postal code"},
    "country": {"es": "País", "en": "Country"},
}
EMPTY = {"es": "(vacío)", "en": "(empty)"}
YES_NO = {"es": ("Sí", "No"), "en": ("Yes", "No")}


def label(table: dict, key: str, language: str) -> str:
    return table[key][language] if key in table else key
