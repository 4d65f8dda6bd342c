"""Staff customize the invitation through notify's RPC, as the gateway calls it."""
import pytest

from notify.exceptions import EmailTemplateInvalid, EmailTemplateNotFound
from tests.interface.notify.conftest import BASE_URL, invited
from tests.support.mailbox import text_of


def test_a_customized_template_is_what_the_contact_receives(start_notify, mailbox, publish,
                                                            notify_rpc):
    start_notify(mailbox.url)
    event = invited(language="en", email="custom@customer.example", token="tok-custom")
    org_id = event["organization_id"]
    saved = notify_rpc.put_email_template(org_id, "portal_invitation", "en", {
        "subject": "Your {{ organization_name }} account is ready",
        "body": "Dear {{ contact_name }},\n\nSign in at {{ portal_url }} as {{ username }}.\n"
                "{% if password %}Password: {{ password }}\n{% endif %}\n"
                "Start here: {{ accept_url }}\n"})
    assert saved["customized"] is True
    assert saved["updated_at"] is not None

    publish(event)
    [message] = mailbox.wait_for("custom@customer.example")
    assert message["Subject"] == "Your Talleres Norte S.L. account is ready"
    assert text_of(message) == (
        "Dear Ana García,\n\n"
        f"Sign in at {BASE_URL}/portal/talleres/ as custom@customer.example.\n"
        f"Start here: {BASE_URL}/portal/talleres/invitation/tok-custom\n")

    # the Spanish one and other organizations keep the default
    listing = {(t["key"], t["language"]): t for t in notify_rpc.list_email_templates(org_id)["items"]}
    assert listing[("portal_invitation", "en")]["customized"] is True
    assert listing[("portal_invitation", "es")]["customized"] is False
    other = invited()["organization_id"]
    assert notify_rpc.get_email_template(other, "portal_invitation", "en")["customized"] is False

    reset = notify_rpc.reset_email_template(org_id, "portal_invitation", "en")
    assert reset["customized"] is False
    assert reset["subject"] == "{{ organization_name }} invites you to its customer portal"


def test_a_bad_template_is_refused_with_details(start_notify, notify_rpc):
    start_notify(None)
    org_id = invited()["organization_id"]
    with pytest.raises(EmailTemplateInvalid) as info:
        notify_rpc.put_email_template(org_id, "portal_invitation", "es", {
            "subject": "Hola {{ contact_name }",
            "body": "Su factura {{ invoice_number }} y {{ contact_name.__class__ }}"})
    details = info.value.details
    assert details["subject"] == ["Line 1: unexpected '}'"]
    assert any("unknown placeholder 'invoice_number'" in m for m in details["body"])
    assert any("getattr is not allowed" in m for m in details["body"])
    assert notify_rpc.get_email_template(org_id, "portal_invitation", "es")["customized"] is False

    with pytest.raises(EmailTemplateNotFound):
        notify_rpc.get_email_template(org_id, "portal_invitation", "fr")
