"""Kubernetes manifests (deploy/k8s/): a Deployment per Procfile process, a migration Job."""
from portal_common.settings import SERVICES

from . import variables as V
from .procfile import Process

IMAGE = "customer-portal"
CONFIG_MAP = "portal-config"
SECRET = "portal-secrets"
UID = 10001  # the image's non-root user (deploy/Dockerfile)
CONFIG_VALUES = {
    "PORTAL_BASE_URL": "https://portal.example.com",
    "GATEWAY_BIND": "0.0.0.0:%d" % V.GATEWAY_PORT,
    # The Ingress controller is the one proxy in front (client address, HTTPS).
    "GATEWAY_TRUSTED_PROXIES": "1",
    "PORTAL_COOKIE_SECURE": "1",
    "LOG_LEVEL": "INFO",
}
SERVICE_RESOURCES = {"requests": {"cpu": "100m", "memory": "192Mi"},
                     "limits": {"memory": "512Mi"}}
WEB_RESOURCES = {"requests": {"cpu": "250m", "memory": "256Mi"},
                 "limits": {"memory": "1Gi"}}


def _labels(component: str) -> dict:
    return {"app.kubernetes.io/name": "customer-portal",
            "app.kubernetes.io/component": component}


def _env(names) -> list[dict]:
    env = []
    for name in names:
        if V.kind(name) == V.SECRET:
            source = {"secretKeyRef": {"name": SECRET, "key": name}}
        else:
            source = {"configMapKeyRef": {"name": CONFIG_MAP, "key": name}}
        env.append({"name": name, "valueFrom": source})
    return env


def _pod(name: str, command: list[str], names, resources: dict) -> dict:
    """A pod spec: non-root, read-only root filesystem, scratch space in emptyDirs."""
    container = {
        "name": name,
        "image": IMAGE,
        "command": command,
        "env": _env(names),
        "resources": resources,
        "securityContext": {"allowPrivilegeEscalation": False,
                            "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"},
                         {"name": "var", "mountPath": "/var/lib/portal"}],
    }
    return {
        "securityContext": {"runAsNonRoot": True, "runAsUser": UID, "runAsGroup": UID},
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "var", "emptyDir": {}}],
    }


def _probes(process: Process, container: dict) -> None:
    if process.service:
        # nameko speaks AMQP, not HTTP: ask the service's health RPC (checks its database).
        container["readinessProbe"] = {
            "exec": {"command": ["python", "deploy/healthcheck.py", process.service]},
            "initialDelaySeconds": 10, "periodSeconds": 30, "timeoutSeconds": 15,
            "failureThreshold": 3}
    elif process.is_web:
        container["ports"] = [{"name": "http", "containerPort": V.GATEWAY_PORT}]
        container["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": "http"},
                                      "periodSeconds": 10, "timeoutSeconds": 3,
                                      "failureThreshold": 3}
        container["readinessProbe"] = {"httpGet": {"path": "/readyz", "port": "http"},
                                       "periodSeconds": 10, "timeoutSeconds": 5,
                                       "failureThreshold": 3}


def deployment(process: Process) -> dict:
    resources = WEB_RESOURCES if process.is_web else SERVICE_RESOURCES
    pod = _pod(process.name, process.argv, V.for_process(process), resources)
    _probes(process, pod["containers"][0])
    pod["terminationGracePeriodSeconds"] = 30
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": process.name, "labels": _labels(process.name)},
        "spec": {
            "replicas": 2 if process.is_web else 1,
            "selector": {"matchLabels": _labels(process.name)},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {"metadata": {"labels": _labels(process.name)}, "spec": pod},
        },
    }


def web_service(process: Process) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": process.name, "labels": _labels(process.name)},
        "spec": {"selector": _labels(process.name),
                 "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }


def ingress_example(process: Process) -> dict:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": process.name, "labels": _labels(process.name)},
        "spec": {
            "tls": [{"hosts": ["portal.example.com"], "secretName": "portal-tls"}],
            "rules": [{"host": "portal.example.com", "http": {"paths": [{
                "path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": process.name,
                                        "port": {"name": "http"}}}}]}}],
        },
    }


def config_map() -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": CONFIG_MAP, "labels": _labels("config")},
            "data": dict(CONFIG_VALUES)}


def migrate_job() -> dict:
    pod = _pod("migrate", ["portal", "migrate"], V.MIGRATE_VARIABLES, SERVICE_RESOURCES)
    pod["restartPolicy"] = "Never"
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate", "labels": _labels("migrate")},
        "spec": {"backoffLimit": 3, "ttlSecondsAfterFinished": 86400,
                 "template": {"metadata": {"labels": _labels("migrate")}, "spec": pod}},
    }


def kustomization(resources: list[str]) -> dict:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
        # Point at your registry: kustomize edit set image customer-portal=REGISTRY/customer-portal:TAG
        "images": [{"name": IMAGE, "newName": IMAGE, "newTag": "latest"}],
    }


def secrets_example(processes: list[Process]) -> str:
    names = []
    for process in processes:
        names += [n for n in V.for_process(process) if V.kind(n) == V.SECRET]
    names += V.MIGRATE_VARIABLES
    unique = list(dict.fromkeys(names))
    lines = ["# Copy to deploy/k8s/portal-secrets.env (git-ignored), fill in, then:",
             "#   kubectl create secret generic %s --from-env-file=deploy/k8s/portal-secrets.env"
             % SECRET,
             "# Keys and the processes that read them: see deploy/README.md."]
    examples = {
        "SECRET_KEY": "",
        "AMQP_URI": "amqp://portal:PASSWORD@rabbitmq.example.internal:5672/portal",
        "SMTP_URL": "smtp+starttls://USER:PASSWORD@smtp.example.com:587",
    }
    for service in SERVICES:
        examples[V.database_variable(service)] = (
            "postgresql://portal_%s:PASSWORD@postgres.example.internal:5432/%s"
            % (service, V.database_name(service)))
    lines += [f"{name}={examples.get(name, '')}" for name in unique]
    return "\n".join(lines) + "\n"


def files(processes: list[Process]) -> dict:
    """{path under deploy/k8s/: list of documents}."""
    out = {"configmap.yaml": [config_map()]}
    for process in processes:
        docs = [deployment(process)]
        if process.is_web:
            docs.append(web_service(process))
            out["ingress.example.yaml"] = [ingress_example(process)]
        out[f"{process.name}.yaml"] = docs
    listed = ["configmap.yaml"] + [f"{p.name}.yaml" for p in processes]
    out["kustomization.yaml"] = [kustomization(listed)]
    out["migrate/job.yaml"] = [migrate_job()]
    out["migrate/kustomization.yaml"] = [kustomization(["job.yaml"])]
    return out
