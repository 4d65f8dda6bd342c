"""Notification preferences and the staff feed through the staff API, with the real identity
and notify services; identity's events are published as identity publishes them, and the
staff emails are read from a real SMTP server."""
import uuid

import eventlet
import pytest
from nameko.standalone.events import event_dispatcher

from portal_common.timeutil import utcnow
from tests.interface.gateway.conftest import Api, create_customer, new_organization
from tests.support.mailbox import Mailbox, html_of, text_of, wait_until

KINDS = ["quote_viewed", "quote_accepted", "quote_declined", "invoice_viewed",
         "sales_order_viewed", "approval_viewed", "approval_approved", "approval_rejected",
         "comment_added", "payment_made", "payment_failed", "details_updated",
         "review_submitted", "customer_message"]


class StrictMailbox(Mailbox):
    """A real SMTP server that refuses the addresses in ``refused`` for good (550)."""

    def __init__(self):
        super().__init__()
        self.refused = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def mailbox():
    box = StrictMailbox().start()
    yield box
    box.stop()


@pytest.fixture(autouse=True)
def smtp_to_mailbox(mailbox, monkeypatch):
    """notify sends to the mailbox: autouse, so it is set before the services start."""
    monkeypatch.setenv("SMTP_URL", mailbox.url)
    monkeypatch.setenv("NOTIFY_MAIL_FROM", "portal@mail.gateway.test")


@pytest.fixture
def publish(service_config):
    dispatch = event_dispatcher(service_config)

    def publish_event(org, event_type, payload):
        envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type,
                    "occurred_at": utcnow().isoformat(), "organization_id": org["id"],
                    "payload": payload}
        dispatch("identity", event_type, envelope)
        return envelope

    return publish_event


@pytest.fixture
def customer(api):
    return create_customer(api)


def _ids(customer):
    return {"customer_id": customer["id"], "contact_id": customer["contacts"][0]["id"]}


def _feed(api, query=""):
    response = api.get(f"/feed{query}")
    assert response.status_code == 200, response.json
    return response.json


# --- preferences ---------------------------------------------------------------------------

def test_preferences_default_change_and_reset(api):
    listing = api.get("/notification-preferences")
    assert listing.status_code == 200
    items = listing.json["items"]
    assert [item["kind"] for item in items] == KINDS
    assert {item["kind"] for item in items if item["email"]} == {
        "quote_accepted", "quote_declined", "comment_added", "payment_made", "payment_failed",
        "details_updated", "customer_message"}
    assert all(item["feed"] and item["description"] for item in items)
    assert set(items[0]) == {"kind", "email", "feed", "description", "customized"}

    changed = api.put("/notification-preferences/quote_viewed", json={"email": True})
    assert changed.status_code == 200
    assert (changed.json["email"], changed.json["feed"], changed.json["customized"]) == (
        True, True, True)
    api.put("/notification-preferences/payment_made", json={"email": False, "feed": False})
    after = {i["kind"]: i for i in api.get("/notification-preferences").json["items"]}
    assert after["quote_viewed"]["email"] is True
    assert (after["payment_made"]["email"], after["payment_made"]["feed"]) == (False, False)

    one = api.delete("/notification-preferences/quote_viewed")
    assert one.status_code == 200 and one.json["email"] is False
    everything = api.delete("/notification-preferences")
    assert everything.status_code == 200
    assert everything.json["items"] == items


def test_preference_errors(api):
    unknown = api.put("/notification-preferences/invoice_paid", json={"email": True})
    assert unknown.status_code == 404
    assert unknown.json["error"]["code"] == "notification_kind_not_found"
    assert api.delete("/notification-preferences/invoice_paid").status_code == 404
    for body, fields in (({"email": "yes"}, {"email"}), ({"feed": 1, "sms": True}, {"feed", "sms"}),
                         ({}, {"_schema"})):
        refused = api.put("/notification-preferences/quote_viewed", json=body)
        assert refused.status_code == 400, body
        assert set(refused.json["error"]["details"]) == fields
    not_json = api.put("/notification-preferences/quote_viewed", data="email=true",
                       headers={"Content-Type": "text/plain"})
    assert not_json.status_code == 415
    assert not any(i["customized"] for i in api.get("/notification-preferences").json["items"])


# --- each preference, off and on, with identity's three activity events ---------------------

def _events(publish, org, customer, tag):
    """One event of each kind identity publishes, all marked with ``tag``."""
    ids = _ids(customer)
    publish(org, "customer_details_updated", {
        **ids, "section": "billing_address",
        "changes": [{"field": "city", "old": "Madrid", "new": tag}]})
    publish(org, "review_submitted", {**ids, "review_id": str(uuid.uuid4()), "rating": 4,
                                      "message": tag})
    publish(org, "customer_message_sent", {
        **ids, "message_id": str(uuid.uuid4()), "subject": tag, "message": f"Texto {tag}",
        "contact_email": customer["contacts"][0]["email"], "contact_name": "Marta Ibáñez"})


def _tagged_entries(api, tag):
    items = _feed(api, "?per_page=200")["items"]
    found = {}
    for item in items:
        details = item["details"]
        if tag in (details.get("message"), details.get("subject")) or any(
                change["new"] == tag for change in details.get("changes", [])):
            found[item["kind"]] = item
    return found


def _tagged_emails(mailbox, to, tag):
    return [m for m in mailbox.messages(to) if tag in text_of(m)]


@pytest.mark.parametrize("email,feed", [(False, False), (True, False), (False, True),
                                        (True, True)])
def test_each_preference_turns_the_email_and_the_feed_entry_on_and_off(
        api, org, customer, publish, mailbox, email, feed):
    staff = org["email"]
    # Before: the defaults (email only for details and messages; feed for all).
    _events(publish, org, customer, "Ronda 0")
    wait_until(lambda: len(_tagged_entries(api, "Ronda 0")) == 3, what="default entries")
    defaults = wait_until(lambda: (lambda m: len(m) == 2 and m)(
        _tagged_emails(mailbox, staff, "Ronda 0")), what="default emails")
    assert sorted(m["Subject"] for m in defaults) == [
        "Ferretería Central ha actualizado sus datos: Dirección de facturación", "Ronda 0"]

    for kind in ("details_updated", "review_submitted", "customer_message"):
        response = api.put(f"/notification-preferences/{kind}",
                           json={"email": email, "feed": feed})
        assert response.status_code == 200 and response.json["customized"] is True
    _events(publish, org, customer, "Ronda 1")
    if feed:
        entries = wait_until(lambda: (lambda e: len(e) == 3 and e)(
            _tagged_entries(api, "Ronda 1")), what="three entries")
        assert set(entries) == {"details_updated", "review_submitted", "customer_message"}
    if email:
        wait_until(lambda: len(_tagged_emails(mailbox, staff, "Ronda 1")) == 3,
                   what="three emails")
    eventlet.sleep(1.5)    # what should not come would have come by now
    assert len(_tagged_entries(api, "Ronda 1")) == (3 if feed else 0)
    emails = _tagged_emails(mailbox, staff, "Ronda 1")
    assert len(emails) == (3 if email else 0)
    if email:
        review = next(m for m in emails if "opinión" in m["Subject"])
        assert review["Subject"] == "Ferretería Central ha escrito una opinión (4/5)"
        message = next(m for m in emails if m["Subject"] == "Ronda 1")
        assert message["Reply-To"] == customer["contacts"][0]["email"]

    # Back to the defaults: the review is a feed entry without an email again.
    assert api.delete("/notification-preferences").status_code == 200
    _events(publish, org, customer, "Ronda 2")
    wait_until(lambda: len(_tagged_entries(api, "Ronda 2")) == 3, what="entries again")
    wait_until(lambda: len(_tagged_emails(mailbox, staff, "Ronda 2")) == 2, what="emails again")
    eventlet.sleep(1.0)
    assert len(_tagged_emails(mailbox, staff, "Ronda 2")) == 2


def test_details_updated_email_shows_every_change_and_escapes_what_the_customer_wrote(
        api, org, customer, publish, mailbox):
    script = "<script>alert('x')</script>"
    publish(org, "customer_details_updated", {
        **_ids(customer), "section": "company",
        "changes": [{"field": "display_name", "old": "Ferretería Central", "new": script},
                    {"field": "phone", "old": "", "new": "+34 600 000 000"}]})
    [message] = mailbox.wait_for(org["email"])
    assert message["Subject"] == "Ferretería Central ha actualizado sus datos: Datos de la empresa"
    assert message["From"].addresses[0].display_name == "Talleres Norte"
    assert message["From"].addresses[0].addr_spec == "portal@mail.gateway.test"
    assert message["Reply-To"] == org["email"]
    text = text_of(message)
    assert f"Nombre: Ferretería Central → {script}\n" in text
    assert "Teléfono: (vacío) → +34 600 000 000\n" in text
    html = html_of(message)
    assert "<script>" not in html
    assert "Nombre: Ferretería Central → &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_a_staff_email_refused_for_good_is_failed_in_the_outgoing_mail(
        api, org, customer, publish, mailbox):
    mailbox.refused.add(org["email"])
    event = publish(org, "customer_details_updated", {
        **_ids(customer), "section": "contact",
        "changes": [{"field": "phone", "old": "600 000 000", "new": "611 111 111"}]})

    def failed():
        return api.get("/outgoing-mail?status=failed").json["items"]

    [mail] = wait_until(failed, what="a failed mail")
    assert (mail["kind"], mail["to"], mail["event_id"]) == (
        "staff_details_updated", org["email"], event["event_id"])
    assert mail["attempts"] == 1 and mail["next_attempt_at"] is None
    assert mail["last_error"].startswith("recipient refused: 550")
    assert mail["subject"] == "Ferretería Central ha actualizado sus datos: Datos de contacto"
    assert "Teléfono: 600 000 000 → 611 111 111" in mail["text_body"]
    assert mailbox.messages() == []
    # the activity is in the feed all the same
    wait_until(lambda: _feed(api)["total"] == 1, what="the feed entry")


# --- the feed --------------------------------------------------------------------------------

def test_the_feed_filters_pages_marks_read_and_keeps_to_its_organization(
        app, client, api, org, customer, publish):
    other_customer = create_customer(api, name="Bar Paco")
    for n in range(3):
        publish(org, "review_submitted", {**_ids(customer), "review_id": str(uuid.uuid4()),
                                          "rating": n + 1, "message": f"Opinión {n}"})
    publish(org, "customer_message_sent", {
        **_ids(other_customer), "message_id": str(uuid.uuid4()), "subject": "Hola",
        "message": "Una pregunta", "contact_email": other_customer["contacts"][0]["email"],
        "contact_name": "Marta Ibáñez"})
    wait_until(lambda: _feed(api)["total"] == 4, what="four entries")

    page = _feed(api)
    assert (page["total"], page["page"], page["per_page"], page["pages"], page["unread"]) == (
        4, 1, 25, 1, 4)
    entry = next(i for i in page["items"] if i["kind"] == "customer_message")
    assert entry["customer"] == {"id": other_customer["id"], "name": "Bar Paco"}
    assert entry["contact"]["name"] == "Marta Ibáñez"
    assert entry["summary"] == "Marta Ibáñez (Bar Paco) le ha escrito: Hola"
    assert entry["link"] == f"/api/v1/customers/{other_customer['id']}"
    assert client.get(entry["link"], headers=api.headers).json["display_name"] == "Bar Paco"
    assert entry["occurred_at"] and entry["read"] is False and entry["read_at"] is None

    reviews = _feed(api, f"?kind=review_submitted&customer_id={customer['id']}&per_page=2")
    assert (reviews["total"], reviews["pages"], len(reviews["items"]), reviews["unread"]) == (
        3, 2, 2, 3)
    assert _feed(api, f"?customer_id={other_customer['id']}")["total"] == 1

    read = api.post(f"/feed/{entry['id']}/read")
    assert read.status_code == 200 and read.json["read"] is True and read.json["read_at"]
    assert api.get(f"/feed/{entry['id']}").json["read"] is True
    assert [i["id"] for i in _feed(api, "?unread=false")["items"]] == [entry["id"]]
    unread = _feed(api, "?unread=true")
    assert (unread["total"], unread["unread"]) == (3, 3)

    # another organization sees none of it, and its ids do not open ours
    rival = Api(client, new_organization(app, "Rival SA")["api_key"])
    assert _feed(rival)["total"] == 0
    for response in (rival.get(f"/feed/{entry['id']}"), rival.post(f"/feed/{entry['id']}/read")):
        assert response.status_code == 404
        assert response.json["error"]["code"] == "feed_entry_not_found"
    assert rival.post("/feed/read-all").json == {"marked": 0}

    everything = api.post("/feed/read-all")
    assert everything.status_code == 200 and everything.json == {"marked": 3}
    assert _feed(api)["unread"] == 0
    assert api.post("/feed/read-all").json == {"marked": 0}


def test_feed_query_errors(api):
    for query in ("?unread=maybe", "?kind=invoice_paid", "?page=0", "?per_page=1000"):
        response = api.get(f"/feed{query}")
        assert response.status_code == 400, query
        assert response.json["error"]["code"] == "validation_failed"
    missing = api.post(f"/feed/{uuid.uuid4()}/read")
    assert missing.status_code == 404
