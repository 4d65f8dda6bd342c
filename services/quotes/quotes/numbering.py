"""Quote and sales order numbers (QT-00001, SO-00001) from quotes' per-organization
counters (see :mod:`portal_common.numbering`); a number another document of the kind
already has is refused (DuplicateNumber)."""
from portal_common.numbering import DocumentNumbers

from .exceptions import DuplicateNumber
from .models import DocumentCounter

PREFIXES = {"quote": "QT-", "sales_order": "SO-"}
DIGITS = 5

assign_number = DocumentNumbers(DocumentCounter, PREFIXES, DIGITS,
                                duplicate=DuplicateNumber).assign
