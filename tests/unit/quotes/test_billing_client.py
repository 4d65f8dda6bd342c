"""billing's RPC as quotes uses it: an answer within the timeout, or RpcTimeout (the quote's
row lock is not held for ever when billing does not answer)."""
import eventlet
import pytest
from nameko.exceptions import RpcTimeout

from quotes.dependencies import BillingClient, billing_timeout


class Reply:
    def __init__(self, answer, delay):
        self.answer, self.delay = answer, delay

    def result(self):
        eventlet.sleep(self.delay)
        return self.answer


class Method:
    def __init__(self, calls, delay):
        self.calls, self.delay = calls, delay

    def call_async(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return Reply({"id": "inv-1"}, self.delay)


class Proxy:
    def __init__(self, delay):
        self.calls, self.delay = [], delay

    def __getattr__(self, name):
        return Method(self.calls, self.delay)


def test_a_prompt_answer_comes_back_with_the_arguments_passed_on():
    proxy = Proxy(delay=0)
    client = BillingClient(proxy, timeout=1)
    assert client.create_invoice("org", {"a": 1}, idempotency_key="k", send=True) == \
        {"id": "inv-1"}
    assert proxy.calls == [(("org", {"a": 1}), {"idempotency_key": "k", "send": True})]


def test_no_answer_within_the_timeout_is_rpc_timeout():
    client = BillingClient(Proxy(delay=2), timeout=0.1)
    with pytest.raises(RpcTimeout):
        client.list_taxes("org")


def test_the_timeout_comes_from_the_environment(monkeypatch):
    assert billing_timeout() == 20
    monkeypatch.setenv("QUOTES_BILLING_TIMEOUT_SECONDS", "7")
    assert billing_timeout() == 7
