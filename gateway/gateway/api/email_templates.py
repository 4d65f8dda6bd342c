"""The emails the portal sends: templates per kind and language, and the outgoing mail."""
from notify.schemas import EmailTemplateInputSchema, MailListQuerySchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body, validated_query
from .docs import operation

TAGS = ("email",)


@bp.get("/email-templates")
@operation("Every email template, per kind and language", tags=TAGS,
           responses={200: "EmailTemplateList"})
def list_email_templates():
    return get_rpc().notify.list_email_templates(organization_id())


@bp.get("/email-templates/<key>/<language>")
@operation("One email template and the placeholders it may use", tags=TAGS,
           responses={200: "EmailTemplate"})
def get_email_template(key, language):
    return get_rpc().notify.get_email_template(organization_id(), key, language)


@bp.put("/email-templates/<key>/<language>")
@operation("Replace an email template (tried out before it is kept)", tags=TAGS,
           body="EmailTemplateInput", responses={200: "EmailTemplate"})
def put_email_template(key, language):
    data = validated_body(EmailTemplateInputSchema())
    return get_rpc().notify.put_email_template(organization_id(), key, language, data)


@bp.delete("/email-templates/<key>/<language>")
@operation("Go back to the default template", tags=TAGS, responses={200: "EmailTemplate"})
def reset_email_template(key, language):
    return get_rpc().notify.reset_email_template(organization_id(), key, language)


@bp.get("/outgoing-mail")
@operation("The emails sent, waiting or failed (secrets masked)", tags=TAGS,
           query="MailListQuery", responses={200: "OutgoingMailPage"})
def list_outgoing_mail():
    query = validated_query(MailListQuerySchema())
    return get_rpc().notify.list_outgoing_mail(organization_id(), query)


@bp.get("/outgoing-mail/<mail_id>")
@operation("One email as it was sent (secrets masked)", tags=TAGS,
           responses={200: "OutgoingMailDetail"})
def get_outgoing_mail(mail_id):
    return get_rpc().notify.get_outgoing_mail(organization_id(), mail_id)
