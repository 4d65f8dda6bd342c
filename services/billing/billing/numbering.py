"""Document numbers (INV-000001, RET-, CN-, PAY-, RFD-) from billing's per-organization
counters (see :mod:`portal_common.numbering`)."""
from portal_common.numbering import DocumentNumbers

from .exceptions import DuplicateNumber
from .models import DocumentCounter

PREFIXES = {"invoice": "INV-", "retainer": "RET-", "credit_note": "CN-", "payment": "PAY-",
            "refund": "RFD-"}

assign_number = DocumentNumbers(DocumentCounter, PREFIXES, digits=6,
                                duplicate=DuplicateNumber).assign
