"""Customer reviews: what contacts wrote with "Review" in the portal (read only)."""
from identity.schemas import (CustomerReviewQuerySchema, ReviewListQuerySchema,
                              ReviewQuerySchema)

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_query
from .docs import operation

TAGS = ("reviews",)


@bp.get("/reviews")
@operation("List the reviews of every customer (filter, sort, pages)", tags=TAGS,
           query="ReviewListQuery", responses={200: "ReviewPage"},
           description="Newest first unless 'sort' says otherwise. A customer_id or "
                       "contact_id that is not yours simply matches nothing.")
def list_reviews():
    query = validated_query(ReviewListQuerySchema())
    return get_rpc().identity.list_reviews(organization_id(), query)


@bp.get("/customers/<customer_id>/reviews")
@operation("One customer's reviews", tags=TAGS, query="CustomerReviewQuery",
           responses={200: "ReviewPage"})
def list_customer_reviews(customer_id):
    query = validated_query(CustomerReviewQuerySchema())
    return get_rpc().identity.list_reviews(organization_id(), query, customer_id=customer_id)


@bp.get("/customers/<customer_id>/contacts/<contact_id>/reviews")
@operation("The reviews one contact person wrote", tags=TAGS, query="ReviewQuery",
           responses={200: "ReviewPage"})
def list_contact_reviews(customer_id, contact_id):
    query = validated_query(ReviewQuerySchema())
    return get_rpc().identity.list_reviews(organization_id(), query, customer_id=customer_id,
                                           contact_id=contact_id)
