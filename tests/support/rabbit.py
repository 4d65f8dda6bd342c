"""Throw-away RabbitMQ virtual hosts through the management API (port 15672)."""
import os
import uuid
from urllib.parse import quote

import requests

MANAGEMENT = os.environ.get("TEST_RABBIT_MANAGEMENT", "http://127.0.0.1:15672")
AUTH = ("guest", "guest")


def create_vhost() -> tuple[str, str]:
    """Returns (vhost, amqp_uri)."""
    vhost = f"portal-test-{uuid.uuid4().hex[:8]}"
    path = f"{MANAGEMENT}/api/vhosts/{quote(vhost, safe='')}"
    requests.put(path, auth=AUTH, timeout=10).raise_for_status()
    requests.put(f"{MANAGEMENT}/api/permissions/{quote(vhost, safe='')}/guest", auth=AUTH,
                 json={"configure": ".*", "write": ".*", "read": ".*"},
                 timeout=10).raise_for_status()
    return vhost, f"amqp://guest:guest@127.0.0.1:5672/{quote(vhost, safe='')}"


def delete_vhost(vhost: str) -> None:
    requests.delete(f"{MANAGEMENT}/api/vhosts/{quote(vhost, safe='')}", auth=AUTH, timeout=10)


def queue_depths(vhost: str) -> dict:
    response = requests.get(f"{MANAGEMENT}/api/queues/{quote(vhost, safe='')}", auth=AUTH,
                            timeout=10)
    response.raise_for_status()
    return {q["name"]: q.get("messages", 0) for q in response.json()}
