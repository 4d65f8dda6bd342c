"""deploy/k8s/: what an operator applies to run and scale each process on a cluster."""
import http.server
import threading
from pathlib import Path

import pytest

from deploy import healthcheck, procfile, render
from portal_common.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"


def documents(name: str) -> list[dict]:
    return render.load_all((K8S / name).read_text())


def of_kind(name: str, kind: str) -> dict:
    (doc,) = [d for d in documents(name) if d["kind"] == kind]
    return doc


@pytest.fixture(scope="module")
def processes():
    return procfile.load(ROOT / "Procfile")


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def env_sources(spec: dict) -> dict:
    return {e["name"]: e["valueFrom"] for e in spec["env"]}


def test_every_procfile_process_has_a_deployment_with_the_same_command(processes):
    resources = documents("kustomization.yaml")[0]["resources"]
    for process in processes:
        assert f"{process.name}.yaml" in resources
        deployment = of_kind(f"{process.name}.yaml", "Deployment")
        assert deployment["metadata"]["name"] == process.name
        spec = container(deployment)
        assert spec["command"] == process.argv
        assert spec["image"] == "customer-portal"
        assert spec["resources"]["requests"]["cpu"] and spec["resources"]["requests"]["memory"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_services_get_broker_and_own_database_from_the_secret(processes):
    for process in (p for p in processes if p.service):
        env = env_sources(container(of_kind(f"{process.name}.yaml", "Deployment")))
        own = f"{process.service.upper()}_DATABASE_URL"
        assert env["AMQP_URI"] == {"secretKeyRef": {"name": "portal-secrets", "key": "AMQP_URI"}}
        assert env[own] == {"secretKeyRef": {"name": "portal-secrets", "key": own}}
        assert not {k for k in env if k.endswith("_DATABASE_URL")} - {own}


def test_services_are_probed_by_their_health_rpc(processes):
    for process in (p for p in processes if p.service):
        probe = container(of_kind(f"{process.name}.yaml", "Deployment"))["readinessProbe"]
        assert probe["exec"]["command"] == ["python", "deploy/healthcheck.py", process.service]
        assert probe["timeoutSeconds"] > healthcheck.TIMEOUT


def test_gateway_is_probed_over_http_and_exposed_by_a_service_and_ingress():
    deployment = of_kind("gateway.yaml", "Deployment")
    spec = container(deployment)
    assert spec["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert spec["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert spec["ports"] == [{"name": "http", "containerPort": 8000}]
    env = env_sources(spec)
    assert env["SECRET_KEY"]["secretKeyRef"]["key"] == "SECRET_KEY"
    assert env["GATEWAY_BIND"]["configMapKeyRef"]["key"] == "GATEWAY_BIND"
    config = of_kind("configmap.yaml", "ConfigMap")["data"]
    assert config["GATEWAY_BIND"] == "0.0.0.0:8000"
    # Behind the Ingress: one proxy's X-Forwarded-For is trusted, cookies are HTTPS-only.
    assert env["GATEWAY_TRUSTED_PROXIES"]["configMapKeyRef"]["key"] == "GATEWAY_TRUSTED_PROXIES"
    assert config["GATEWAY_TRUSTED_PROXIES"] == "1" and config["PORTAL_COOKIE_SECURE"] == "1"
    service = of_kind("gateway.yaml", "Service")
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    backend = of_kind("ingress.example.yaml", "Ingress")["spec"]["rules"][0]["http"]["paths"][0]
    assert backend["backend"]["service"]["name"] == service["metadata"]["name"]


def test_migrate_job_runs_portal_migrate_with_every_database():
    job = of_kind("migrate/job.yaml", "Job")
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    (migrate,) = spec["containers"]
    assert migrate["command"] == ["portal", "migrate"]
    assert set(env_sources(migrate)) == {"AMQP_URI"} | {
        f"{s.upper()}_DATABASE_URL" for s in SERVICES}
    assert documents("migrate/kustomization.yaml")[0]["resources"] == ["job.yaml"]


def test_pods_run_as_the_images_non_root_user(processes):
    for name in [f"{p.name}.yaml" for p in processes]:
        pod = of_kind(name, "Deployment")["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001
    assert "--uid 10001" in (ROOT / "deploy/Dockerfile").read_text()


def test_every_secret_key_a_manifest_reads_is_in_the_example_and_nothing_else_is_secret():
    example = {line.split("=", 1)[0] for line in
               (K8S / "portal-secrets.env.example").read_text().splitlines()
               if line and not line.startswith("#")}
    read = set()
    for path in K8S.rglob("*.yaml"):
        for doc in documents(str(path.relative_to(K8S))):
            read |= {e["valueFrom"]["secretKeyRef"]["key"]
                     for c in _containers(doc) for e in c.get("env", [])
                     if "secretKeyRef" in e["valueFrom"]}
            assert doc["kind"] != "Secret", f"{path} must not carry a Secret"
    assert read == example
    config = of_kind("configmap.yaml", "ConfigMap")["data"]
    assert not {"SECRET_KEY", "AMQP_URI"} & set(config)
    assert not any(k.endswith("_DATABASE_URL") for k in config)


def _containers(doc: dict) -> list[dict]:
    spec = doc.get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("containers", [])


def test_readme_tells_how_to_scale_billing_and_why_it_is_safe():
    readme = (ROOT / "deploy/README.md").read_text()
    assert "kubectl scale deployment/billing --replicas=" in readme
    assert "SKIP LOCKED" in readme
    assert "portal migrate" in readme


class _Status(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Status)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_http_healthcheck_exit_codes(web, capsys):
    assert healthcheck.main(["--http", web + "/healthz"]) == 0
    assert healthcheck.main(["--http", web + "/readyz"]) == 1
    assert "unhealthy" in capsys.readouterr().err
    assert healthcheck.main([]) == 2
