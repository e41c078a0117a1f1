#!/usr/bin/env bash
# Lints the deployment files without Docker or a cluster (the same checks as
# Tests/IntegrationTests/DeploymentTests.swift, for a quick run by hand):
# hadolint on docker/Dockerfile, yamllint on docker/**/*.y*ml, the structural manifest check, and
# `gatehouse check` on every config in docker/ (needs a built .build/debug/gatehouse or $GATEHOUSE_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$(scripts/install-lint.sh | tail -n 1)"
"$bin/hadolint" docker/Dockerfile
"$bin/yamllint" --strict -c docker/.yamllint docker/
"$bin/python" scripts/check-deploy-manifests.py check docker

gatehouse="${GATEHOUSE_BIN:-.build/debug/gatehouse}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GATEHOUSE_SESSION_KEY="${GATEHOUSE_SESSION_KEY:-$(head -c 32 /dev/urandom | base64)}"
export GATEHOUSE_ADMIN_TOKEN="${GATEHOUSE_ADMIN_TOKEN:-lint-only}" REDIS_PASSWORD="${REDIS_PASSWORD:-lint-only}"
while IFS= read -r config; do
  "$gatehouse" check --config "$config"
done < <(find docker -name '*.conf'; "$bin/python" scripts/check-deploy-manifests.py extract docker "$tmp")
echo "deployment files: OK"
