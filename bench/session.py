"""One benchmark run's world: vhost, databases, environment, child processes; all removed."""
import contextlib
import logging
import os
import secrets
import signal
import sys
import tempfile
import warnings
from pathlib import Path

from . import infra
from .processes import ROOT, Processes, wait_until

from portal_common.settings import SERVICES


def bin_path(name: str) -> str:
    return str(Path(sys.executable).parent / name)


class Run:
    def __init__(self, scratch: Path, vhost: infra.Vhost, databases: infra.Databases):
        self.scratch = scratch
        self.vhost = vhost
        self.databases = databases
        self.env = {**os.environ, "AMQP_URI": vhost.amqp_uri, **databases.env,
                    "PORTAL_VAR_DIR": str(scratch / "var"), "SECRET_KEY": secrets.token_hex(32),
                    "PYTHONPATH": str(ROOT)}
        self.processes = Processes(self.env, scratch)
        self.gateway_base: str | None = None  # the gateway's address once a section starts it

    @property
    def amqp_uri(self) -> str:
        return self.vhost.amqp_uri

    def migrate(self) -> None:
        self.processes.run("migrate", [bin_path("portal"), "migrate"])

    def start_services(self, services=SERVICES, argv=None, extra_env=None) -> list:
        """Start services (``portal run-service`` unless ``argv(service)`` says otherwise)."""
        from gateway.rpc import RpcClientPool
        started = []
        for service in services:
            command = argv(service) if argv else [bin_path("portal"), "run-service", service]
            started.append(self.processes.start(service, command, extra_env))
        pool = RpcClientPool(self.amqp_uri, size=1, timeout=2)
        try:
            for service in services:
                def healthy(service=service):
                    self.processes.check_alive()
                    return pool.call(service, "health")["status"] == "ok"
                wait_until(healthy, 60, f"service {service}")
        finally:
            pool.close()
        return started


def bound_run_time(seconds: int) -> None:
    """Past the deadline, or on SIGTERM, unwind so that everything started is cleaned up."""
    def give_up(signum, frame):
        raise SystemExit(f"bench: stopped by signal {signum} (deadline {seconds}s or SIGTERM)")
    signal.signal(signal.SIGALRM, give_up)
    signal.signal(signal.SIGTERM, give_up)
    signal.alarm(seconds)


def quiet_client_logs() -> None:
    """The polling for services to come up makes py-amqp and nameko chatty on stderr."""
    logging.getLogger("amqp").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Mandatory delivery was requested")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


@contextlib.contextmanager
def run():
    """Yield a Run; on the way out stop every child process, drop the vhost and databases."""
    quiet_client_logs()
    tag = infra.new_tag()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        vhost = infra.Vhost(tag)
        databases = infra.Databases(tag, Path(scratch))
        current = None
        saved = dict(os.environ)
        try:
            vhost.create()
            databases.create()
            current = Run(Path(scratch), vhost, databases)
            # This process is a client too (RPC pool, seeding): same settings as the children.
            os.environ.update({k: v for k, v in current.env.items() if k != "PYTHONPATH"})
            yield current
        finally:
            with _shielded():
                _each(current.processes.stop_all if current else None, vhost.delete,
                      databases.drop)
            os.environ.clear()
            os.environ.update(saved)


@contextlib.contextmanager
def _shielded():
    """No deadline alarm and no SIGTERM while cleaning up, or the cleanup itself is cut short."""
    signal.alarm(0)
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _each(*steps) -> None:
    """Run every cleanup step even if one fails; report failures on stderr."""
    for step in steps:
        if step is None:
            continue
        try:
            step()
        except Exception as exc:  # keep cleaning up
            print(f"bench: cleanup step {step.__qualname__} failed: {exc!r}", file=sys.stderr)
