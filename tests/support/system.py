"""The whole system as separate processes, started from the Procfile like `make run`."""
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def process_list() -> dict:
    """{name: command} from the Procfile, the one list of processes."""
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


class System:
    def __init__(self, env: dict, workdir: Path, port: int):
        self.env = {**os.environ, **env, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
        self.workdir = workdir
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.commands = process_list()
        self.procs: dict[str, subprocess.Popen] = {}

    def run_cli(self, *args) -> dict:
        out = subprocess.run([str(BIN / "portal"), *args], env=self.env, cwd=ROOT, check=True,
                             capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def start(self, name: str) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(shlex.split(self.commands[name]), cwd=ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def stop(self, name: str, timeout: float = 20.0) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)
        self.wait_ready()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def readiness(self) -> tuple[int, dict]:
        try:
            response = requests.get(f"{self.base_url}/readyz", timeout=10)
            return response.status_code, response.json()
        except (requests.RequestException, ValueError):
            return 0, {}

    def wait_ready(self, timeout: float = 90.0) -> dict:
        deadline = time.monotonic() + timeout
        status, body = 0, {}
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see "
                                       f"{self.workdir / (name + '.log')}")
            status, body = self.readiness()
            if status == 200:
                return body
            time.sleep(0.5)
        raise RuntimeError(f"the system did not become ready: {status} {body}")

    def log_of(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class StaffApi:
    """The staff REST API as an integrator would call it."""

    def __init__(self, base_url: str, api_key: str):
        self.base = f"{base_url}/api/v1"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {api_key}"

    def __getattr__(self, method):
        def call(path, **kwargs):
            kwargs.setdefault("timeout", 30)
            return self.http.request(method.upper(), self.base + path, **kwargs)
        return call
