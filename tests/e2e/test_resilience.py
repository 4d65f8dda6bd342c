"""Nothing is lost and nothing doubles when notify or RabbitMQ go away."""
import subprocess
import time


def _customer_with_contacts(api, name, emails):
    response = api.post("/customers", json={
        "display_name": name, "currency": "EUR",
        "contacts": [{"first_name": e.split("@")[0], "email": e} for e in emails]})
    assert response.status_code == 201, response.text
    return response.json()


def test_invitations_queued_while_notify_is_down_are_delivered_exactly_once(system, api, mailbox):
    emails = [f"queued{i}@resilience.example" for i in range(3)]
    customer = _customer_with_contacts(api, "Cola Durable", emails)
    system.stop("notify")
    try:
        response = api.post(f"/customers/{customer['id']}/portal",
                            json={"contact_ids": [c["id"] for c in customer["contacts"]]})
        assert response.status_code == 200, response.text
        time.sleep(3)
        assert [m for e in emails for m in mailbox.messages(e)] == []
    finally:
        system.start("notify")
    for address in emails:
        mailbox.wait_for(address, count=1, timeout=60)
    time.sleep(5)  # time for any duplicate to show up
    assert {e: len(mailbox.messages(e)) for e in emails} == {e: 1 for e in emails}


def test_services_reconnect_after_rabbitmq_restarts(system, api, mailbox):
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=120)
    subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status, body = system.readiness()
        if status == 200:
            break
        time.sleep(1)
    assert status == 200, body
    customer = _customer_with_contacts(api, "Tras el reinicio", ["after.restart@resilience.example"])
    response = api.post(f"/customers/{customer['id']}/portal",
                        json={"contact_ids": [customer["contacts"][0]["id"]]})
    assert response.status_code == 200, response.text
    [message] = mailbox.wait_for("after.restart@resilience.example", timeout=60)
    assert "/invitation/" in message.get_body(preferencelist=("plain",)).get_content()
