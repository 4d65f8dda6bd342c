"""Render docker-compose.yml and deploy/k8s/ from the Procfile.

    .venv/bin/python deploy/render.py          # write the files
    .venv/bin/python deploy/render.py --check  # exit 1 if a committed file differs

The committed files are this script's output: edit the Procfile or the
modules beside this file, never the rendered files.
"""
import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy import compose, kube, procfile  # noqa: E402

HEADER = ("# Rendered by deploy/render.py from the Procfile. Do not edit by hand:\n"
          "# change the Procfile or deploy/*.py, then run .venv/bin/python deploy/render.py\n")


class _Dumper(yaml.SafeDumper):
    """Spell every mapping out: no &anchors / *aliases in files people read."""

    def ignore_aliases(self, data):
        return True


def _yaml(documents: list[dict]) -> str:
    body = yaml.dump_all(documents, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                         width=4096, allow_unicode=True, explicit_start=len(documents) > 1)
    return HEADER + body


def load_all(text: str) -> list:
    """Parse YAML as PyYAML ships it, ``${VAR}`` left as written.

    nameko's CLI (``nameko test``, ``nameko run``) teaches yaml.SafeLoader to
    expand ``${VAR:default}`` from the environment; compose's ``${VAR:?msg}``
    must reach the reader untouched.
    """
    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if "env_var" not in tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return [doc for doc in yaml.load_all(text, Loader=Loader) if doc is not None]


def rendered(root: Path = ROOT) -> dict[str, str]:
    """{path relative to the repository: text} of every rendered file."""
    processes = procfile.load(root / "Procfile")
    out = {
        "docker-compose.yml": _yaml([compose.document(processes)]),
        compose.INIT_SQL: compose.init_sql(),
        "deploy/compose.env.example": compose.env_example(),
        "deploy/k8s/portal-secrets.env.example": kube.secrets_example(processes),
    }
    for name, documents in kube.files(processes).items():
        out[f"deploy/k8s/{name}"] = _yaml(documents)
    return out


def stale(root: Path = ROOT) -> list[str]:
    """Rendered files whose committed text differs from a fresh rendering."""
    paths = []
    for path, text in rendered(root).items():
        target = root / path
        if not target.exists() or target.read_text() != text:
            paths.append(path)
    return paths


def write(root: Path = ROOT) -> list[str]:
    written = []
    for path, text in rendered(root).items():
        target = root / path
        if target.exists() and target.read_text() == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only compare; exit 1 when a rendered file is out of date")
    args = parser.parse_args(argv)
    if args.check:
        paths = stale()
        for path in paths:
            print(f"out of date: {path} (run .venv/bin/python deploy/render.py)")
        return 1 if paths else 0
    for path in write():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
