"""Every kind of email notify sends, and the placeholders each template may use.

This is the one place where a kind of email is declared. Adding one means:
an entry here, two default templates ``templates/<key>.es.txt`` and
``templates/<key>.en.txt``, and an event handler that builds a
:class:`notify.mail_queue.MailRequest`. Rendering, the queue, retries, the
staff template API and the outgoing-mail list then work for it unchanged.

Placeholders
------------
``portal_invitation`` (a contact was given portal access, or invited again):

==================  ==========================================================
contact_name        the contact's name (or the customer's, if it has none)
organization_name   the organization's name
portal_url          the organization's portal, ``{PORTAL_BASE_URL}/portal/{slug}/``
username            what the contact logs in with: their email address
password            the password staff set, or empty (use ``{% if password %}``)
accept_url          the single-use link to accept the invitation
expires_at          when that link expires, in the organization's time zone
==================  ==========================================================

``staff_<activity>`` (one per kind of customer activity in :mod:`notify.activities`,
to the organization's email, in its language) all have:

==================  ==========================================================
organization_name   the organization's name
customer_name       the customer's name
contact_name        the contact person who acted, or empty
contact_email       that person's email address, or empty
who                 "contact (customer)", or the customer alone
occurred_at         when, in the organization's time zone
==================  ==========================================================

and, per kind: ``document`` ("presupuesto QT-000123") and ``document_number`` for
the activities on a document; ``reason`` (declined, rejected); ``comment``;
``total`` and ``balance`` (an invoice viewed); ``amount``, ``method`` and ``invoices``
(payments); ``payment_number`` (a payment made); ``error_code``, ``error_meaning``,
``remedy``, ``decline_message`` and ``decline_code`` (a failed payment);
``section`` and ``changes`` (every changed field, "old → new", one per line);
``rating`` and ``message`` (a review).

``customer_message`` (a contact writes to the business; to the organization's
email, Reply-To the contact): the common ones and ``subject``, ``message``.

``password_changed`` (to the contact, in the contact's language): ``contact_name``,
``organization_name``, ``changed_at``, ``portal_url``.

``payment_receipt`` (to the contact who paid, in the customer's language, else the
organization's): ``contact_name``, ``customer_name``, ``organization_name``, ``amount``,
``payment_number``, ``payment_date``, ``invoices``, ``method``, ``receipt_url``
(``{PORTAL_BASE_URL}/portal/{slug}/payments/{payment_id}``).

``document_forwarded`` (a portal contact forwards a document; to the address they gave, in
the language they chose, with the PDF attached): ``recipient_name``, ``sender_name``,
``customer_name``, ``organization_name``, ``document_name`` ("Factura"),
``document_number``, ``filename``, ``message`` (optional).

``comment_reply`` (staff answered a contact on a quote, timesheet or project, shown in the
portal and "email the customer" ticked; to that contact, in the customer's language, else
the organization's; Reply-To the organization): ``contact_name``, ``organization_name``,
``author_name`` (optional), ``document`` ("presupuesto QT-00001", "hoja de horas
TS-00001", "proyecto Web corporativa"), ``comment``, ``document_url``
(``{PORTAL_BASE_URL}/portal/{slug}/quotes|timesheets|projects/{id}``).

Templates are Jinja (sandboxed): ``{{ contact_name }}``, ``{% if password %}…{% endif %}``.
A placeholder marked sensitive is shown masked in the copy kept of each email.
"""
from dataclasses import dataclass, field

from .activities import ACTIVITY_KINDS

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
MASK = "********"


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: dict            # language -> text, shown to staff next to the template
    sample: str                  # used for the trial render when staff save a template
    sensitive: bool = False      # masked in the kept copy once the email has left
    optional: bool = False       # may be empty; the trial render tries both ways


@dataclass(frozen=True)
class Action:
    """The button the HTML part shows under the text: a label and the URL placeholder."""

    url_placeholder: str
    label: dict                  # language -> text


@dataclass(frozen=True)
class EmailKind:
    key: str
    description: dict
    placeholders: tuple
    action: Action | None = None
    names: frozenset = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "names", frozenset(p.name for p in self.placeholders))

    def sample_contexts(self) -> list[dict]:
        """One context with every placeholder filled; one with the optional ones empty."""
        full = {p.name: p.sample for p in self.placeholders}
        contexts = [full]
        if any(p.optional for p in self.placeholders):
            contexts.append({p.name: (None if p.optional else p.sample)
                             for p in self.placeholders})
        return contexts

    def masked(self, context: dict) -> dict:
        return {name: (MASK if value and name in self.sensitive_names else value)
                for name, value in context.items()}

    @property
    def sensitive_names(self) -> frozenset:
        return frozenset(p.name for p in self.placeholders if p.sensitive)

    def describe_placeholders(self, language: str) -> list[dict]:
        return [{"name": p.name, "description": p.description[language],
                 "sensitive": p.sensitive, "optional": p.optional}
                for p in self.placeholders]


PORTAL_INVITATION = EmailKind(
    key="portal_invitation",
    description={"es": "Invitación al portal de clientes",
                 "en": "Customer portal invitation"},
    placeholders=(
        Placeholder("contact_name", {"es": "Nombre del contacto",
                                     "en": "The contact's name"}, "Ana García"),
        Placeholder("organization_name", {"es": "Nombre de su organización",
                                          "en": "Your organization's name"},
                    "Estudio Demo S.L."),
        Placeholder("portal_url", {"es": "Dirección del portal",
                                   "en": "The portal's address"},
                    "https://portal.example.com/portal/demo/"),
        Placeholder("username", {"es": "Usuario: el correo del contacto",
                                 "en": "User name: the contact's email address"},
                    "ana.garcia@example.com"),
        Placeholder("password", {"es": "Contraseña fijada por el personal, o vacío",
                                 "en": "Password set by staff, or empty"},
                    "Ejemplo-Clave-2026", sensitive=True, optional=True),
        Placeholder("accept_url", {"es": "Enlace para aceptar la invitación",
                                   "en": "Link to accept the invitation"},
                    "https://portal.example.com/portal/demo/invitation/EXAMPLE-TOKEN",
                    sensitive=True),
        Placeholder("expires_at", {"es": "Fecha de caducidad del enlace",
                                   "en": "When the link expires"},
                    "4 de diciembre de 2026, 13:00 (Europe/Madrid)"),
    ),
    action=Action("accept_url", {"es": "Aceptar invitación", "en": "Accept invitation"}),
)



def _p(name, es, en, sample, **flags) -> Placeholder:
    return Placeholder(name, {"es": es, "en": en}, sample, **flags)


ORGANIZATION_NAME = _p("organization_name", "Nombre de su organización",
                       "Your organization's name", "Estudio Demo S.L.")
CUSTOMER_NAME = _p("customer_name", "Nombre del cliente", "The customer's name",
                   "Ferretería Central S.A.")
CONTACT_NAME = _p("contact_name", "Persona de contacto que lo hizo, o vacío",
                  "The contact person who did it, or empty", "Marta Ibáñez", optional=True)
CONTACT_EMAIL = _p("contact_email", "Correo de esa persona, o vacío",
                   "That person's email address, or empty", "marta@ferreteria.example",
                   optional=True)
WHO = _p("who", "Quién: la persona de contacto y su cliente",
         "Who: the contact person and their customer", "Marta Ibáñez (Ferretería Central S.A.)")
OCCURRED_AT = _p("occurred_at", "Cuándo, en la zona horaria de su organización",
                 "When, in your organization's time zone",
                 "4 de diciembre de 2026, 13:00 (Europe/Madrid)")
DOCUMENT = _p("document", "El documento: tipo y número", "The document: type and number",
              "presupuesto QT-000123", optional=True)
DOCUMENT_NUMBER = _p("document_number", "Número del documento", "The document's number",
                     "QT-000123", optional=True)
REASON = _p("reason", "El motivo que dio el cliente, o vacío",
            "The reason the customer gave, or empty", "El plazo de entrega es demasiado largo",
            optional=True)
COMMENT = _p("comment", "El comentario", "The comment", "¿Pueden entregar el lunes?",
             optional=True)
AMOUNT = _p("amount", "Importe y moneda", "Amount and currency", "1234.50 EUR", optional=True)
TOTAL = _p("total", "Total del documento y moneda", "The document's total and currency",
           "1210.00 EUR", optional=True)
BALANCE = _p("balance", "Lo que queda por pagar y moneda", "What is left to pay and currency",
             "1210.00 EUR", optional=True)
PAYMENT_NUMBER = _p("payment_number", "Número del pago", "The payment's number",
                    "PAY-000042", optional=True)
METHOD = _p("method", "Forma de pago (tarjeta, cuenta bancaria), o vacío",
            "Payment method (card, bank account), or empty", "tarjeta", optional=True)
INVOICES = _p("invoices", "Las facturas del pago, «número: importe», una por línea",
              "The payment's invoices, 'number: amount', one per line",
              "INV-000007: 1000.00 EUR\nINV-000009: 234.50 EUR", optional=True)
ERROR_CODE = _p("error_code", "Código del error (Cp…), o vacío", "Error code (Cp…), or empty",
                "Cp3003", optional=True)
ERROR_MEANING = _p("error_meaning", "Qué salió mal, según el código (Cp…), o vacío",
                   "What went wrong, from the code (Cp…), or empty",
                   "El pago ha sido rechazado debido a los filtros de detección de fraude.",
                   optional=True)
REMEDY = _p("remedy", "Qué puede hacer, o vacío", "What you can do, or empty",
            "Compruebe si la transacción fue fraudulenta.", optional=True)
DECLINE_MESSAGE = _p("decline_message",
                     "Sin código Cp: el motivo del rechazo que dio la pasarela, o vacío",
                     "Without a Cp code: the decline reason the gateway gave, or empty",
                     "Your card has insufficient funds.", optional=True)
DECLINE_CODE = _p("decline_code", "El código de rechazo de la pasarela, o vacío",
                  "The gateway's decline code, or empty", "insufficient_funds", optional=True)
SECTION = _p("section", "La sección que cambió", "The section that changed",
             "Dirección de facturación")
CHANGES = _p("changes", "Cada campo cambiado, «anterior → nuevo», uno por línea",
             "Every changed field, 'old → new', one per line",
             "Ciudad: Madrid → Sevilla\nCódigo postal: 28013 → 41001")
RATING = _p("rating", "Valoración de 1 a 5", "Rating from 1 to 5", "5")
REVIEW_MESSAGE = _p("message", "El texto de la opinión, o vacío", "The review's text, or empty",
                    "Muy buen servicio.", optional=True)
SUBJECT = _p("subject", "El asunto que escribió el contacto", "The subject the contact wrote",
             "Consulta sobre la factura")
MESSAGE = _p("message", "El mensaje que escribió el contacto", "The message the contact wrote",
             "Buenos días:\n¿Pueden enviarnos la factura de marzo?")

STAFF_COMMON = (ORGANIZATION_NAME, CUSTOMER_NAME, CONTACT_NAME, CONTACT_EMAIL, WHO, OCCURRED_AT)
ON_DOCUMENT = (DOCUMENT, DOCUMENT_NUMBER)

# What each kind of activity adds to the common placeholders of its staff email.
ACTIVITY_PLACEHOLDERS = {
    "quote_viewed": ON_DOCUMENT,
    "quote_accepted": ON_DOCUMENT,
    "quote_declined": (*ON_DOCUMENT, REASON),
    "invoice_viewed": (*ON_DOCUMENT, TOTAL, BALANCE),
    "sales_order_viewed": ON_DOCUMENT,
    "approval_viewed": ON_DOCUMENT,
    "approval_approved": ON_DOCUMENT,
    "approval_rejected": (*ON_DOCUMENT, REASON),
    "comment_added": (*ON_DOCUMENT, COMMENT),
    "payment_made": (*ON_DOCUMENT, AMOUNT, PAYMENT_NUMBER, METHOD, INVOICES),
    "payment_failed": (*ON_DOCUMENT, AMOUNT, METHOD, INVOICES, ERROR_CODE, ERROR_MEANING,
                       REMEDY, DECLINE_MESSAGE, DECLINE_CODE),
    "details_updated": (SECTION, CHANGES),
    "review_submitted": (RATING, REVIEW_MESSAGE),
    "customer_message": (SUBJECT, MESSAGE),
}


def _staff_email(activity) -> EmailKind:
    if activity.key == "customer_message":
        description = {"es": "Mensaje de un cliente a su organización",
                       "en": "A customer's message to your organization"}
    else:
        description = {language: f"{prefix}: {activity.description[language].lower()}"
                       for language, prefix in (("es", "Aviso al personal"),
                                                ("en", "Staff notice"))}
    return EmailKind(key=activity.email_kind, description=description,
                     placeholders=STAFF_COMMON + ACTIVITY_PLACEHOLDERS[activity.key])


STAFF_EMAILS = {activity.key: _staff_email(activity) for activity in ACTIVITY_KINDS.values()}

PASSWORD_CHANGED = EmailKind(
    key="password_changed",
    description={"es": "Aviso al contacto: su contraseña del portal ha cambiado",
                 "en": "To the contact: their portal password was changed"},
    placeholders=(
        _p("contact_name", "Nombre del contacto", "The contact's name", "Ana García"),
        ORGANIZATION_NAME,
        _p("changed_at", "Cuándo cambió, en la zona horaria de su organización",
           "When it changed, in your organization's time zone",
           "4 de diciembre de 2026, 13:00 (Europe/Madrid)"),
        _p("portal_url", "Dirección del portal", "The portal's address",
           "https://portal.example.com/portal/demo/"),
    ),
)

DOCUMENT_FORWARDED = EmailKind(
    key="document_forwarded",
    description={"es": "Documento reenviado desde el portal por un contacto del cliente",
                 "en": "A document a customer's contact forwarded from the portal"},
    placeholders=(
        _p("recipient_name", "Nombre de quien lo recibe, o vacío",
           "The recipient's name, or empty", "Luis Pérez", optional=True),
        _p("sender_name", "El contacto que lo reenvía", "The contact who forwarded it",
           "Marta Ibáñez"),
        CUSTOMER_NAME,
        ORGANIZATION_NAME,
        _p("document_name", "Qué documento es («Factura», «Presupuesto» …)",
           "What the document is ('Invoice', 'Quote' …)", "Factura"),
        _p("document_number", "Número del documento", "The document's number",
           "INV-000001"),
        _p("filename", "Nombre del PDF adjunto", "The attached PDF's file name",
           "INV-000001.pdf"),
        _p("message", "El mensaje que escribió el contacto, o vacío",
           "The message the contact wrote, or empty",
           "Luis: te paso la factura de marzo para que la pagues.", optional=True),
    ),
)

PAYMENT_RECEIPT = EmailKind(
    key="payment_receipt",
    description={"es": "Recibo al contacto que ha pagado en el portal",
                 "en": "Receipt to the contact who paid in the portal"},
    placeholders=(
        _p("contact_name", "Nombre del contacto que pagó", "The name of the contact who paid",
           "Marta Ibáñez"),
        CUSTOMER_NAME,
        ORGANIZATION_NAME,
        _p("amount", "Importe pagado y moneda", "Amount paid and currency", "1234.50 EUR"),
        _p("payment_number", "Número del pago", "The payment's number", "PAY-000042"),
        _p("payment_date", "Fecha del pago, en la zona horaria de su organización",
           "The payment's date, in your organization's time zone", "4 de diciembre de 2026"),
        INVOICES,
        METHOD,
        _p("receipt_url", "Enlace al recibo en el portal", "Link to the receipt in the portal",
           "https://portal.example.com/portal/demo/payments/EXAMPLE-ID"),
    ),
    action=Action("receipt_url", {"es": "Ver el recibo", "en": "View the receipt"}),
)

COMMENT_REPLY = EmailKind(
    key="comment_reply",
    description={"es": "Respuesta del personal a un contacto sobre un documento del portal",
                 "en": "A staff reply to a contact about a document in the portal"},
    placeholders=(
        _p("contact_name", "Nombre del contacto", "The contact's name", "Marta Ibáñez"),
        ORGANIZATION_NAME,
        _p("author_name", "Quién responde de su organización, o vacío",
           "Who replies for your organization, or empty", "Luis Romero", optional=True),
        _p("document", "El documento: tipo y número", "The document: type and number",
           "presupuesto QT-00001"),
        _p("comment", "La respuesta", "The reply",
           "Les enviamos una versión revisada a 900 €."),
        _p("document_url", "Enlace al documento en el portal",
           "Link to the document in the portal",
           "https://portal.example.com/portal/demo/quotes/EXAMPLE-ID"),
    ),
    action=Action("document_url", {"es": "Ver en el portal", "en": "View in the portal"}),
)

KINDS = {kind.key: kind for kind in (PORTAL_INVITATION, *STAFF_EMAILS.values(),
                                     PASSWORD_CHANGED, DOCUMENT_FORWARDED, PAYMENT_RECEIPT,
                                     COMMENT_REPLY)}


def language_or_default(*candidates) -> str:
    """The first supported language among the candidates (recipient's first)."""
    for language in candidates:
        if isinstance(language, str) and language.lower() in LANGUAGES:
            return language.lower()
    return DEFAULT_LANGUAGE
