"""How staff hear of customer activity: notification preferences and the staff feed."""
from flask import url_for

from notify.schemas import FeedQuerySchema, NotificationPreferenceInputSchema

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body, validated_query
from .docs import operation

PREFERENCE_TAGS = ("notifications",)
FEED_TAGS = ("feed",)

# Where the staff API shows a feed entry's document: document type -> (endpoint, argument).
# The issue that adds a document's staff route adds its line; until then, and for
# activities without a document, an entry links to its customer.
DOCUMENT_ROUTES: dict[str, tuple[str, str]] = {
    "invoice": (".get_invoice", "invoice_id"),
    "retainer_invoice": (".get_invoice", "invoice_id"),
    "payment": (".get_payment", "payment_id"),
    "quote": (".get_quote", "quote_id"),
    "sales_order": (".get_sales_order", "sales_order_id"),
    "approval": (".get_timesheet_approval", "approval_id"),
    "project": (".get_project", "project_id"),
}


def _linked(entry: dict) -> dict:
    document = entry.get("document") or {}
    route = DOCUMENT_ROUTES.get(document.get("type"))
    if route is not None:
        endpoint, argument = route
        link = url_for(endpoint, **{argument: document["id"]})
    else:
        link = url_for(".get_customer", customer_id=entry["customer"]["id"])
    return {**entry, "link": link}


# --- preferences -------------------------------------------------------------------------

@bp.get("/notification-preferences")
@operation("For each kind of customer activity: email, feed entry, both or neither",
           tags=PREFERENCE_TAGS, responses={200: "NotificationPreferenceList"})
def list_notification_preferences():
    return get_rpc().notify.list_notification_preferences(organization_id())


@bp.put("/notification-preferences/<kind>")
@operation("Choose how staff hear of one kind of activity", tags=PREFERENCE_TAGS,
           body="NotificationPreferenceInput", responses={200: "NotificationPreference"},
           description="Send email, feed or both; what is left out stays as it is.")
def update_notification_preference(kind):
    data = validated_body(NotificationPreferenceInputSchema())
    return get_rpc().notify.update_notification_preference(organization_id(), kind, data)


@bp.delete("/notification-preferences/<kind>")
@operation("Go back to the default for one kind of activity", tags=PREFERENCE_TAGS,
           responses={200: "NotificationPreference"})
def reset_notification_preference(kind):
    return get_rpc().notify.reset_notification_preference(organization_id(), kind)


@bp.delete("/notification-preferences")
@operation("Go back to the defaults for every kind of activity", tags=PREFERENCE_TAGS,
           responses={200: "NotificationPreferenceList"})
def reset_notification_preferences():
    return get_rpc().notify.reset_notification_preferences(organization_id())


# --- the feed ----------------------------------------------------------------------------

@bp.get("/feed")
@operation("What customers did in the portal, newest first", tags=FEED_TAGS,
           query="FeedQuery", responses={200: "FeedPage"},
           description="'unread' counts the unread entries matching kind and customer_id.")
def list_feed():
    query = validated_query(FeedQuerySchema())
    page = get_rpc().notify.list_feed(organization_id(), query)
    return {**page, "items": [_linked(entry) for entry in page["items"]]}


@bp.get("/feed/<entry_id>")
@operation("One feed entry", tags=FEED_TAGS, responses={200: "FeedEntry"})
def get_feed_entry(entry_id):
    return _linked(get_rpc().notify.get_feed_entry(organization_id(), entry_id))


@bp.post("/feed/<entry_id>/read")
@operation("Mark a feed entry read", tags=FEED_TAGS, responses={200: "FeedEntry"})
def mark_feed_entry_read(entry_id):
    return _linked(get_rpc().notify.mark_feed_entry_read(organization_id(), entry_id))


@bp.post("/feed/read-all")
@operation("Mark every unread feed entry read", tags=FEED_TAGS,
           responses={200: "FeedReadAll"})
def mark_all_feed_read():
    return get_rpc().notify.mark_all_feed_read(organization_id())
