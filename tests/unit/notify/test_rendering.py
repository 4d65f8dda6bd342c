"""Rendering: the invitation in Spanish and English, placeholders, template checks."""
from datetime import datetime, timezone

import pytest

from notify import rendering
from notify.catalog import KINDS, LANGUAGES, MASK, PORTAL_INVITATION
from notify.dateformat import format_datetime
from notify.rendering import TemplateProblem, TemplateText, check_template, default_template

CONTEXT = {
    "contact_name": "Ana García",
    "organization_name": "Estudio Demo S.L.",
    "portal_url": "https://portal.example.test/portal/demo/",
    "username": "ana@cliente.example",
    "password": "Clave-Staff-2026",
    "accept_url": "https://portal.example.test/portal/demo/invitation/tok-123",
    "expires_at": "4 de diciembre de 2026, 13:00 (Europe/Madrid)",
}


def _render(language, template=None, **changes):
    context = {**CONTEXT, **changes}
    return rendering.render(PORTAL_INVITATION, language,
                            template or default_template("portal_invitation", language),
                            context, context["organization_name"])


def test_spanish_invitation_with_password():
    email = _render("es")
    assert email.subject == "Estudio Demo S.L. le invita a su portal de clientes"
    lines = email.text.splitlines()
    assert lines[0] == "Hola, Ana García:"
    assert "Portal: https://portal.example.test/portal/demo/" in lines
    assert "Usuario: ana@cliente.example" in lines
    assert "Contraseña: Clave-Staff-2026" in lines
    assert "https://portal.example.test/portal/demo/invitation/tok-123" in lines
    assert "El enlace caduca el 4 de diciembre de 2026, 13:00 (Europe/Madrid)." in lines
    assert "\n\n\n" not in email.text


def test_english_invitation_without_password_has_no_password_line():
    email = _render("en", password=None)
    assert email.subject == "Estudio Demo S.L. invites you to its customer portal"
    assert "User name: ana@cliente.example" in email.text
    assert "Password" not in email.text
    assert "To log in, accept the invitation and choose your password:" in email.text
    assert "Contraseña" not in email.text


@pytest.mark.parametrize("language,label", [("es", "Aceptar invitación"),
                                            ("en", "Accept invitation")])
def test_html_part_has_the_text_and_an_accept_button(language, label):
    email = _render(language)
    button = (f'<a href="https://portal.example.test/portal/demo/invitation/tok-123" '
              f'style="display:inline-block')
    assert button in email.html
    assert f">{label}</a>" in email.html
    assert f'<html lang="{language}">' in email.html
    # the portal address from the text is a link too
    assert '<a href="https://portal.example.test/portal/demo/"' in email.html


def test_html_escapes_what_the_values_contain():
    email = _render("en", organization_name="<script>alert(1)</script> & Co",
                    contact_name='"Bob" <b>')
    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in email.html
    assert "&#34;Bob&#34; &lt;b&gt;" in email.html
    # the text part is plain text: nothing escaped there
    assert "Hello \"Bob\" <b>," in email.text


def test_subject_stays_one_line_whatever_the_values():
    email = _render("en", organization_name="Evil\r\nBcc: victim@example.com")
    assert "\n" not in email.subject and "\r" not in email.subject
    assert email.subject.startswith("Evil Bcc: victim@example.com invites you")


def test_masked_context_hides_password_and_link_but_keeps_the_rest():
    masked = PORTAL_INVITATION.masked(CONTEXT)
    assert masked["password"] == MASK and masked["accept_url"] == MASK
    assert masked["username"] == CONTEXT["username"]
    assert PORTAL_INVITATION.masked({**CONTEXT, "password": None})["password"] is None
    kept = _render("es", **masked)
    assert "Clave-Staff-2026" not in kept.text + kept.html
    assert "tok-123" not in kept.text + kept.html
    assert f"Contraseña: {MASK}" in kept.text


def test_every_default_template_passes_its_own_check():
    for kind in KINDS.values():
        for language in LANGUAGES:
            check_template(kind, language, default_template(kind.key, language))


def test_a_custom_template_renders_with_placeholders_and_conditions():
    custom = TemplateText(subject="Acceso para {{ contact_name|upper }}",
                          body="{{ portal_url }}\n{% if password %}Clave: {{ password }}"
                               "{% else %}Sin clave{% endif %}\n")
    assert _render("es", custom).subject == "Acceso para ANA GARCÍA"
    assert _render("es", custom).text == ("https://portal.example.test/portal/demo/\n"
                                          "Clave: Clave-Staff-2026\n")
    assert _render("es", custom, password=None).text.endswith("Sin clave\n")


def _problems(body, subject="Hola"):
    with pytest.raises(TemplateProblem) as info:
        check_template(PORTAL_INVITATION, "es", TemplateText(subject, body))
    return info.value.details


def test_unknown_placeholder_is_refused_by_name():
    details = _problems("Hola {{ contact_name }}, tu factura {{ invoice_number }}")
    assert details == {"body": ["Line 1: unknown placeholder 'invoice_number'; allowed: "
                                "contact_name, organization_name, portal_url, username, "
                                "password, accept_url, expires_at."]}


def test_syntax_error_is_refused_with_its_line():
    details = _problems("Hola\n{{ contact_name }\nAdiós\n")
    assert list(details) == ["body"]
    assert details["body"][0].startswith("Line 2: unexpected '}'")
    unclosed = _problems("Hola\n{% if password %}\nsin cerrar")
    assert unclosed["body"][0].startswith("Line 3:") and "endif" in unclosed["body"][0]


def test_subject_problems_are_reported_on_the_subject():
    details = _problems("Hola", subject="{{ nope }}")
    assert list(details) == ["subject"]
    assert "unknown placeholder 'nope'" in details["subject"][0]


@pytest.mark.parametrize("body,fragment", [
    ("{{ contact_name.__class__ }}", "getattr is not allowed"),
    ("{% for c in contact_name %}{{ c }}{% endfor %}", "for is not allowed"),
    ("{{ contact_name|center(100000000) }}", "filter 'center' is not allowed"),
    ("{% set x = 1 %}", "assign is not allowed"),
    ("{{ password * 100000000 }}", "mul is not allowed"),
    ("{{ contact_name|truncate('x') }}", "cannot be rendered"),
])
def test_what_could_reach_into_python_or_spin_is_refused(body, fragment):
    details = _problems(body)
    assert any(fragment in message for message in details["body"]), details


def test_a_template_that_fails_when_sending_falls_back_to_the_default():
    broken = TemplateText(subject="x", body="{{ contact_name|truncate('x') }}")
    [email] = rendering.render_all(PORTAL_INVITATION, "en", broken, [CONTEXT], "Org")
    assert email.subject == "Estudio Demo S.L. invites you to its customer portal"


def test_expiry_date_in_the_organization_time_zone_and_language():
    moment = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
    assert format_datetime(moment, "es", "Europe/Madrid") == \
        "4 de diciembre de 2026, 13:00 (Europe/Madrid)"
    assert format_datetime(moment, "en", "America/New_York") == \
        "December 4, 2026, 07:00 (America/New_York)"
    assert format_datetime(moment, "en", "Not/AZone") == "December 4, 2026, 12:00 (UTC)"
