#!/usr/bin/env python3
"""Offline structural check of Gatehouse's deployment files (no cluster, no Docker, no schema download).

    check-deploy-manifests.py check DOCKER_DIR          problems, one per line; exit 1 if any
    check-deploy-manifests.py extract DOCKER_DIR OUT    writes every ConfigMap's proxy.conf to OUT,
                                                        prints the written paths

Needs PyYAML (scripts/install-lint.sh installs it into .venv-lint/). What `check` enforces, for every
document of DOCKER_DIR/kubernetes/*.yaml and for DOCKER_DIR/compose.yml:
  - apiVersion/kind/metadata.name present, apiVersion the stable one for the kind;
  - workloads: selector matches the template labels, pod runAsNonRoot, every container has an image,
    resources (cpu and memory requests, a memory limit) and a restricted securityContext
    (allowPrivilegeEscalation false, readOnlyRootFilesystem true, capabilities drop ALL);
    secretKeyRef/configMap references exist in the directory;
  - the gatehouse container: liveness /healthz and readiness /readyz on the admin port, which the
    embedded proxy.conf's [admin] listen must open on 0.0.0.0 or the pod IP; the Service targets only
    its public port; terminationGracePeriodSeconds > preStop sleep + [server] drain_timeout;
  - compose: gatehouse shares the app's network namespace and mounts a config file that exists.
"""

import glob
import os
import re
import sys

import yaml

STABLE_API = {
    "ConfigMap": "v1",
    "Secret": "v1",
    "Service": "v1",
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
}
WORKLOADS = ("Deployment", "StatefulSet")


def load_documents(directory):
    documents = []
    for path in sorted(glob.glob(os.path.join(directory, "kubernetes", "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            for index, document in enumerate(yaml.safe_load_all(handle)):
                if document is not None:
                    documents.append((f"{os.path.basename(path)}#{index}", document))
    return documents


def toml_value(text, section, key):
    """The raw value of `key` in `[section]` of a TOML text (enough for the keys checked here)."""
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue
        header = re.fullmatch(r"\[\[?([^\]]+)\]\]?", stripped)
        if header:
            current = header.group(1).strip()
            continue
        match = re.fullmatch(r"([A-Za-z0-9_]+)\s*=\s*(.+?)\s*(#.*)?", stripped)
        if current == section and match and match.group(1) == key:
            return match.group(2).strip().strip('"')
    return None


def seconds(duration):
    total = 0.0
    for amount, unit in re.findall(r"(\d+)(ms|s|m|h)", duration or ""):
        total += int(amount) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total


def prestop_seconds(container):
    stop = (container.get("lifecycle") or {}).get("preStop") or {}
    if "sleep" in stop:
        return float(stop["sleep"].get("seconds", 0))
    command = (stop.get("exec") or {}).get("command") or []
    if len(command) == 2 and command[0] == "sleep":
        return float(command[1])
    return 0.0


def check(directory):
    problems = []
    documents = load_documents(directory)
    if not documents:
        return [f"{directory}/kubernetes: no manifests found"]
    by_kind = {}
    for where, document in documents:
        if not isinstance(document, dict):
            problems.append(f"{where}: not a mapping")
            continue
        kind = document.get("kind")
        name = (document.get("metadata") or {}).get("name")
        for field, value in (("apiVersion", document.get("apiVersion")), ("kind", kind), ("metadata.name", name)):
            if not value:
                problems.append(f"{where}: missing {field}")
        if kind in STABLE_API and document.get("apiVersion") != STABLE_API[kind]:
            problems.append(f"{where}: {kind} must use apiVersion {STABLE_API[kind]}")
        by_kind.setdefault(kind, {})[name] = (where, document)

    secrets = {name: set((doc.get("stringData") or {}) | (doc.get("data") or {}))
               for name, (_, doc) in by_kind.get("Secret", {}).items()}
    configmaps = {name: doc.get("data") or {} for name, (_, doc) in by_kind.get("ConfigMap", {}).items()}

    gatehouse_pods = []
    for kind in WORKLOADS:
        for name, (where, document) in by_kind.get(kind, {}).items():
            problems += check_workload(where, document, secrets, configmaps, gatehouse_pods)
    if not gatehouse_pods:
        problems.append("no workload has a container named gatehouse")
    for where, document, container, conf in gatehouse_pods:
        problems += check_gatehouse(where, document, container, conf, by_kind.get("Service", {}))
    problems += check_compose(directory)
    return problems


def check_workload(where, document, secrets, configmaps, gatehouse_pods):
    problems = []
    spec = document.get("spec") or {}
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    selector = (spec.get("selector") or {}).get("matchLabels") or {}
    if not selector or any(labels.get(k) != v for k, v in selector.items()):
        problems.append(f"{where}: selector.matchLabels does not match the template labels")
    pod = template.get("spec") or {}
    if (pod.get("securityContext") or {}).get("runAsNonRoot") is not True:
        problems.append(f"{where}: pod securityContext.runAsNonRoot must be true")
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for volume in volumes.values():
        if "configMap" in volume and volume["configMap"].get("name") not in configmaps:
            problems.append(f"{where}: volume {volume.get('name')} names an unknown ConfigMap")
    containers = pod.get("containers") or []
    if not containers:
        problems.append(f"{where}: no containers")
    for container in containers:
        cname = f"{where} container {container.get('name')}"
        if not container.get("image"):
            problems.append(f"{cname}: no image")
        resources = container.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        for key, table, label in (("cpu", requests, "requests"), ("memory", requests, "requests"),
                                  ("memory", limits, "limits")):
            if key not in table:
                problems.append(f"{cname}: resources.{label}.{key} missing")
        security = container.get("securityContext") or {}
        if security.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{cname}: securityContext.allowPrivilegeEscalation must be false")
        if security.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{cname}: securityContext.readOnlyRootFilesystem must be true")
        if "ALL" not in ((security.get("capabilities") or {}).get("drop") or []):
            problems.append(f"{cname}: securityContext.capabilities.drop must contain ALL")
        for env in container.get("env") or []:
            ref = (env.get("valueFrom") or {}).get("secretKeyRef")
            if ref and not ref.get("optional") and ref.get("key") not in secrets.get(ref.get("name"), set()):
                problems.append(f"{cname}: env {env.get('name')} names a missing Secret key "
                                f"{ref.get('name')}/{ref.get('key')}")
        for mount in container.get("volumeMounts") or []:
            if mount.get("name") not in volumes and not any(
                    (c.get("metadata") or {}).get("name") == mount.get("name")
                    for c in spec.get("volumeClaimTemplates") or []):
                problems.append(f"{cname}: volumeMount {mount.get('name')} has no volume")
        if container.get("name") == "gatehouse":
            conf = None
            for mount in container.get("volumeMounts") or []:
                volume = volumes.get(mount.get("name")) or {}
                if mount.get("mountPath") == "/etc/gatehouse" and "configMap" in volume:
                    conf = configmaps.get(volume["configMap"].get("name"), {}).get("proxy.conf")
            if conf is None:
                problems.append(f"{cname}: no ConfigMap with proxy.conf mounted at /etc/gatehouse")
            gatehouse_pods.append((where, document, container, conf or ""))
    return problems


def check_gatehouse(where, document, container, conf, services):
    problems = []
    cname = f"{where} container gatehouse"
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
    admin_listen = toml_value(conf, "admin", "listen") or "127.0.0.1:9901"
    admin_host, _, admin_port = admin_listen.rpartition(":")
    if admin_host.startswith("127.") or admin_host in ("[::1]", "localhost"):
        problems.append(f"{cname}: proxy.conf [admin] listen = {admin_listen} is loopback; kubelet probes "
                        "reach the pod IP, so it must be 0.0.0.0 or the pod IP")
    public_port = (toml_value(conf, "server", "listen") or "0.0.0.0:8000").rpartition(":")[2]
    if str(ports.get("http")) != public_port:
        problems.append(f"{cname}: port http ({ports.get('http')}) is not [server] listen's port {public_port}")
    for probe_name, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = (container.get(probe_name) or {}).get("httpGet")
        if not get:
            problems.append(f"{cname}: {probe_name} must be an httpGet probe")
            continue
        port = ports.get(get.get("port"), get.get("port"))
        if str(port) != admin_port:
            problems.append(f"{cname}: {probe_name} port {get.get('port')} is not the admin port {admin_port}")
        if get.get("path") != path:
            problems.append(f"{cname}: {probe_name} path must be {path}")
    pod = document["spec"]["template"]["spec"]
    grace = pod.get("terminationGracePeriodSeconds", 30)
    drain = seconds(toml_value(conf, "server", "drain_timeout") or "20s")
    needed = prestop_seconds(container) + drain
    if not grace > needed:
        problems.append(f"{where}: terminationGracePeriodSeconds {grace} must exceed gatehouse's preStop sleep "
                        f"+ drain_timeout ({needed:g} s)")
    labels = document["spec"]["template"].get("metadata", {}).get("labels") or {}
    targeting = [(n, s) for n, (_, s) in services.items()
                 if (s.get("spec") or {}).get("selector")
                 and all(labels.get(k) == v for k, v in s["spec"]["selector"].items())]
    if not targeting:
        problems.append(f"{where}: no Service selects the gatehouse pod")
    for service_name, service in targeting:
        for port in service["spec"].get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            if ports.get(target, target) != ports.get("http"):
                problems.append(f"Service {service_name}: port {port.get('name')} targets {target}; only "
                                "gatehouse's public port may be exposed")
    for other in pod.get("containers") or []:
        if other.get("name") != "gatehouse" and other.get("ports"):
            problems.append(f"{where} container {other.get('name')}: declares ports; only gatehouse is exposed")
    return problems


def check_compose(directory):
    path = os.path.join(directory, "compose.yml")
    if not os.path.exists(path):
        return [f"{path}: missing"]
    with open(path, encoding="utf-8") as handle:
        compose = yaml.safe_load(handle) or {}
    problems = []
    services = compose.get("services") or {}
    for name in ("app", "gatehouse", "redis"):
        if name not in services:
            problems.append(f"compose.yml: no service {name}")
    for name, service in services.items():
        if not service.get("image") and not service.get("build"):
            problems.append(f"compose.yml: service {name} has neither image nor build")
    gatehouse = services.get("gatehouse") or {}
    if gatehouse.get("network_mode") != "service:app":
        problems.append("compose.yml: gatehouse must share the app's network namespace (network_mode: service:app)")
    mounts = [v for v in gatehouse.get("volumes") or [] if str(v).split(":")[1:2] == ["/etc/gatehouse/proxy.conf"]]
    if not mounts:
        problems.append("compose.yml: gatehouse mounts no /etc/gatehouse/proxy.conf")
    for mount in mounts:
        source = os.path.join(directory, str(mount).split(":")[0])
        if not os.path.isfile(source):
            problems.append(f"compose.yml: gatehouse config {source} does not exist")
    return problems


def extract(directory, out):
    os.makedirs(out, exist_ok=True)
    for where, document in load_documents(directory):
        if isinstance(document, dict) and document.get("kind") == "ConfigMap":
            conf = (document.get("data") or {}).get("proxy.conf")
            if conf is not None:
                target = os.path.join(out, f"{document['metadata']['name']}.proxy.conf")
                with open(target, "w", encoding="utf-8") as handle:
                    handle.write(conf)
                print(target)


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        problems = check(argv[2])
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    if len(argv) == 4 and argv[1] == "extract":
        extract(argv[2], argv[3])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
