"""One list of processes (the Procfile) feeds the local runner and docker-compose.yml."""
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from deploy import procfile, render
from portal_common.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]


def load(text: str) -> dict:
    (document,) = render.load_all(text)
    return document
INFRASTRUCTURE = {"rabbitmq", "postgres", "mailpit", "migrate"}


@pytest.fixture(scope="module")
def processes():
    return procfile.load(ROOT / "Procfile")


@pytest.fixture(scope="module")
def compose():
    return load((ROOT / "docker-compose.yml").read_text())["services"]


def test_committed_files_are_what_render_writes_from_the_procfile():
    assert render.stale() == [], "run .venv/bin/python deploy/render.py and commit the result"


def test_compose_runs_exactly_the_procfile_processes_plus_infrastructure(processes, compose):
    assert set(compose) == {p.name for p in processes} | INFRASTRUCTURE
    for process in processes:
        assert compose[process.name]["command"] == shlex.split(process.command), process.name


def test_procfile_names_every_service_and_the_gateway(processes):
    assert sorted(p.service for p in processes if p.service) == sorted(SERVICES)
    gateway = next(p for p in processes if p.name == "gateway")
    assert gateway.is_web and "--config" in gateway.argv


def test_a_process_added_to_the_procfile_appears_in_compose_and_kubernetes(tmp_path):
    text = (ROOT / "Procfile").read_text() + "billing-2: portal run-service billing\n"
    (tmp_path / "Procfile").write_text(text)
    out = render.rendered(tmp_path)
    services = load(out["docker-compose.yml"])["services"]
    assert services["billing-2"]["command"] == ["portal", "run-service", "billing"]
    deployment = load(out["deploy/k8s/billing-2.yaml"])
    assert deployment["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "portal", "run-service", "billing"]
    assert "billing-2.yaml" in load(out["deploy/k8s/kustomization.yaml"])["resources"]


@pytest.mark.parametrize("line", ["gateway gunicorn app", ": portal migrate", "web:"])
def test_a_malformed_procfile_line_is_refused(line):
    with pytest.raises(ValueError, match="Procfile line 1"):
        procfile.parse(line + "\n")


def test_infrastructure_brokers_databases_and_mail(compose):
    rabbit = compose["rabbitmq"]
    assert rabbit["image"] == "rabbitmq:3-management"
    assert "rabbitmq-diagnostics" in rabbit["healthcheck"]["test"]
    postgres = compose["postgres"]
    assert postgres["image"].startswith("postgres:") and postgres["healthcheck"]["test"]
    init = [v for v in postgres["volumes"] if "/docker-entrypoint-initdb.d/" in v]
    assert len(init) == 1
    sql = (ROOT / init[0].split(":")[0]).read_text()
    created = re.findall(r"CREATE DATABASE (\w+)", sql)
    assert created == [f"portal_{s}" for s in SERVICES]
    assert compose["mailpit"]["image"] == "axllent/mailpit"


def test_migrate_runs_once_before_every_process(processes, compose):
    migrate = compose["migrate"]
    assert migrate["command"] == ["portal", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    # It also declares the event queues on the broker.
    assert migrate["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    assert set(migrate["environment"]) == {"AMQP_URI"} | {
        f"{s.upper()}_DATABASE_URL" for s in SERVICES}
    for process in processes:
        depends = compose[process.name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["rabbitmq"]["condition"] == "service_healthy"


def test_each_service_reaches_the_broker_and_only_its_own_database(processes, compose):
    for process in (p for p in processes if p.service):
        env = compose[process.name]["environment"]
        assert env["AMQP_URI"].startswith("amqp://") and "@rabbitmq:5672/" in env["AMQP_URI"]
        own = f"{process.service.upper()}_DATABASE_URL"
        assert re.fullmatch(r"postgresql://portal:\$\{POSTGRES_PASSWORD:\?[^}]+\}"
                            rf"@postgres:5432/portal_{process.service}", env[own])
        others = {k for k in env if k.endswith("_DATABASE_URL")} - {own}
        assert not others, f"{process.name} must not see {others}"
    assert compose["notify"]["environment"]["SMTP_URL"] == "smtp://mailpit:1025"


def test_gateway_is_published_on_8000_with_a_required_secret_key(compose):
    gateway = compose["gateway"]
    env = gateway["environment"]
    assert env["GATEWAY_BIND"] == "0.0.0.0:8000"
    assert gateway["ports"] == ["8000:8000"]
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["PORTAL_BASE_URL"]
    assert "/healthz" in " ".join(gateway["healthcheck"]["test"])


def test_no_credential_is_written_into_the_compose_file(compose):
    for name, service in compose.items():
        for key, value in (service.get("environment") or {}).items():
            for password in re.findall(r"://[^:/@]+:([^@]+)@", value):
                assert password.startswith("${") and ":?" in password, (name, key)
            if key in ("SECRET_KEY", "POSTGRES_PASSWORD", "RABBITMQ_DEFAULT_PASS"):
                assert value.startswith("${") and ":?" in value, (name, key)


def test_filled_in_env_files_are_git_ignored_and_examples_are_blank():
    for path in ("deploy/compose.env", "deploy/k8s/portal-secrets.env"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} must be git-ignored"
    example = dict(line.split("=", 1) for line in
                   (ROOT / "deploy/compose.env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert example["SECRET_KEY"] == example["POSTGRES_PASSWORD"] == ""
    assert example["RABBITMQ_PASSWORD"] == ""


def test_one_image_built_from_deploy_dockerfile(processes, compose):
    images = {compose[name]["image"] for name in [p.name for p in processes] + ["migrate"]}
    assert len(images) == 1
    assert all(compose[p.name]["build"]["dockerfile"] == "deploy/Dockerfile" for p in processes)
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "pip install -r requirements.lock" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    assert "pybabel compile -d gateway/gateway/translations" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
