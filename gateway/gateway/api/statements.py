"""A customer's statement of account over a date range, in the customer's currency.

Long statements come in pages: ``next_cursor`` (null on the last page) is passed back as
``cursor`` with the same range. The totals are the whole range's on every page.
"""
from billing.schemas import StatementQuerySchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .billing import TAGS, customer
from .bodies import validated_query
from .docs import operation

# The currency is the customer's, never the client's.
QUERY = StatementQuerySchema(exclude=("currency",))


@bp.get("/customers/<customer_id>/statement")
@operation("A customer's statement: opening balance, movements, closing balance", tags=TAGS,
           query="StatementQuery", responses={200: "Statement"},
           description="end before start, or a cursor of another statement, is 400 "
                       "invalid_statement_range.")
def customer_statement(customer_id):
    query = validated_query(QUERY)
    owner = customer(customer_id)
    return get_rpc().billing.statement_page(organization_id(), owner["id"],
                                            {**query, "currency": owner["currency"]})
