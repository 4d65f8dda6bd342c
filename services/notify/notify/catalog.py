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

Templates are Jinja (sandboxed): ``{{ contact_name }}``, ``{% if password %}…{% endif %}``.
A placeholder marked sensitive is shown masked in the copy kept of each email.
"""
from dataclasses import dataclass, field

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

KINDS = {kind.key: kind for kind in (PORTAL_INVITATION,)}


def language_or_default(*candidates) -> str:
    """The first supported language among the candidates (recipient's first)."""
    for language in candidates:
        if isinstance(language, str) and language.lower() in LANGUAGES:
            return language.lower()
    return DEFAULT_LANGUAGE
