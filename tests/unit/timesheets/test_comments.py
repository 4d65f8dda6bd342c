"""Comments on projects and approvals: the customer's are shown and announced; staff's are
internal unless shown, and emailed to the right contact when asked (SQLite in memory)."""
import pytest
from sqlalchemy import select

from timesheets import approvals, comments, projects, reads
from timesheets.exceptions import ApprovalNotFound, CommentRefused, ProjectNotFound
from timesheets.models import Outbox

from .conftest import ANA, CUSTOMER, LUIS, ORG, OTHER_CUSTOMER, OTHER_ORG, log, submit


def events(session, event_type):
    return [o.payload for o in session.scalars(select(Outbox).where(
        Outbox.event_type == event_type).order_by(Outbox.occurred_at))]


@pytest.fixture
def approval(session, project, task):
    return submit(session, project, log(session, task))


def test_a_customers_comment_is_shown_and_announced(session, approval):
    comment = comments.add_comment(session, ORG, "approval", approval.id,
                                   {"body": "¿Qué se hizo el lunes?", "author_name": "Ana",
                                    "show_in_portal": False}, CUSTOMER, ANA)
    session.commit()
    assert (comment.author_type, comment.show_in_portal, comment.emailed) == (
        "customer", True, False)
    assert reads.comment_schema.dump(comment).keys() == {
        "id", "author_type", "author_name", "body", "show_in_portal", "emailed", "created_at"}
    assert events(session, "comment_added") == [{
        "document_type": "approval", "document_id": approval.id, "document_number": "TS-00001",
        "customer_id": CUSTOMER, "contact_id": ANA, "author_name": "Ana",
        "body": "¿Qué se hizo el lunes?"}]


def test_staff_notes_stay_internal_unless_shown(session, project, approval):
    comments.add_comment(session, ORG, "project", project.id,
                         {"body": "Nota interna", "author_name": "Marta"})
    comments.add_comment(session, ORG, "project", project.id,
                         {"body": "Avance del 50 %", "author_name": "Marta",
                          "show_in_portal": True})
    session.commit()
    assert [c.body for c in comments.list_comments(session, ORG, "project", project.id)] == [
        "Nota interna", "Avance del 50 %"]
    assert [c.body for c in comments.list_comments(session, ORG, "project", project.id,
                                                   CUSTOMER)] == ["Avance del 50 %"]
    assert [c["body"] for c in reads.project_detail(session, project, portal=True)[
        "comments"]] == ["Avance del 50 %"]
    assert events(session, "comment_added") == [] and events(session, "staff_replied") == []


def test_a_staff_reply_emails_the_last_customer_commenter_else_who_decided_or_viewed(
        session, approval):
    def reply():
        return comments.add_comment(session, ORG, "approval", approval.id,
                                    {"body": "Revisado", "author_name": "Marta",
                                     "show_in_portal": True, "email_customer": True})

    assert reply().emailed is False                      # nobody to email yet
    approvals.mark_approval_viewed(session, ORG, CUSTOMER, LUIS, approval.id)
    assert reply().emailed is True
    approvals.approve_approval(session, ORG, CUSTOMER, ANA, approval.id, {"contact_name": "Ana"})
    reply()
    comments.add_comment(session, ORG, "approval", approval.id, {"body": "Gracias"},
                         CUSTOMER, LUIS)
    reply()
    hidden = comments.add_comment(session, ORG, "approval", approval.id,
                                  {"body": "Interna", "email_customer": True})
    session.commit()
    assert hidden.emailed is False
    assert [e["contact_id"] for e in events(session, "staff_replied")] == [LUIS, ANA, LUIS]
    assert events(session, "staff_replied")[0] == {
        "document_type": "approval", "document_id": approval.id, "document_number": "TS-00001",
        "customer_id": CUSTOMER, "contact_id": LUIS, "author_name": "Marta",
        "body": "Revisado"}


@pytest.mark.parametrize("body, field", [
    ("", "body"), ("   ", "body"), ("x" * 4001, "body"), ("<b>hola</b>", "body"),
    ("ver javascript:alert(1)", "body"), (None, "body")])
def test_bad_comments_are_refused(session, project, body, field):
    with pytest.raises(CommentRefused) as refused:
        comments.add_comment(session, ORG, "project", project.id, {"body": body}, CUSTOMER, ANA)
    assert list(refused.value.details) == [field]
    with pytest.raises(CommentRefused):
        comments.add_comment(session, ORG, "invoice", project.id, {"body": "Hola"})


def test_comments_of_another_customer_or_organization_or_an_inactive_project(session,
                                                                             project,
                                                                             approval):
    with pytest.raises(ProjectNotFound):
        comments.add_comment(session, ORG, "project", project.id, {"body": "Hola"},
                             OTHER_CUSTOMER, ANA)
    with pytest.raises(ApprovalNotFound):
        comments.list_comments(session, ORG, "approval", approval.id, OTHER_CUSTOMER)
    with pytest.raises(ApprovalNotFound):
        comments.add_comment(session, OTHER_ORG, "approval", approval.id, {"body": "Hola"})
    projects.update_project(session, ORG, project.id, {"status": "inactive"})
    session.commit()
    with pytest.raises(ProjectNotFound):
        comments.add_comment(session, ORG, "project", project.id, {"body": "Hola"},
                             CUSTOMER, ANA)
    assert comments.add_comment(session, ORG, "project", project.id, {"body": "Cerrado"})
