"""Read the Procfile: the one list of processes every runner starts."""
import shlex
from dataclasses import dataclass
from pathlib import Path

from portal_common.settings import SERVICES


@dataclass(frozen=True)
class Process:
    name: str
    command: str  # as written in the Procfile

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command)

    @property
    def service(self) -> str | None:
        """The nameko service this process runs, if it is one."""
        argv = self.argv
        if argv[:2] == ["portal", "run-service"] and len(argv) == 3 and argv[2] in SERVICES:
            return argv[2]
        return None

    @property
    def is_web(self) -> bool:
        return self.argv[0] == "gunicorn"


def parse(text: str) -> list[Process]:
    processes = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, command = line.partition(":")
        if not sep or not name.strip() or not command.strip():
            raise ValueError(f"Procfile line {number}: expected 'name: command', got {line!r}")
        processes.append(Process(name.strip(), command.strip()))
    names = [p.name for p in processes]
    if len(set(names)) != len(names):
        raise ValueError(f"Procfile names a process twice: {names}")
    return processes


def load(path: Path) -> list[Process]:
    return parse(path.read_text())
