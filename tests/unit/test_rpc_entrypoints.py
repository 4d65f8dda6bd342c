"""Every RPC method of every service is published with the portal's transient-reply entrypoint."""
import inspect

import pytest
from nameko.rpc import Rpc

from portal_common import settings
from portal_common.rpc import TransientRpc
from portal_common.runner import service_class


@pytest.mark.parametrize("service", settings.SERVICES)
def test_all_rpc_entrypoints_are_transient(service):
    cls = service_class(service)
    kinds = {type(entrypoint)
             for _, method in inspect.getmembers(cls, callable)
             for entrypoint in getattr(method, "nameko_entrypoints", ())
             if isinstance(entrypoint, Rpc)}
    assert kinds == {TransientRpc}, f"{service} mixes RPC entrypoint kinds: {kinds}"
