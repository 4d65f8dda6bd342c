"""Approval numbers (TS-00001, TS-00002…) from timesheets' per-organization counter (see
:mod:`portal_common.numbering`): two approvals submitted at once in one organization take
numbers one after the other."""
from portal_common.numbering import DocumentNumbers

from .models import DocumentCounter

APPROVAL_PREFIX = "TS-"

_numbers = DocumentNumbers(DocumentCounter, {"approval": APPROVAL_PREFIX}, digits=5)


def next_approval_number(session, organization_id: str) -> str:
    return _numbers.next_number(session, organization_id, "approval")
