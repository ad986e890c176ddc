#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."

TAG="${1:-latest}"
docker build --secret id=NPM_TOKEN,env=NPM_TOKEN -t "app:$TAG" .
NPM_TOKEN="$(cat ~/.npmrc-token)" docker build \
  --secret id=NPM_TOKEN,env=NPM_TOKEN \
  -f Dockerfile . > build.log 2>&1
docker build --build-arg NPM_TOKEN=$NPM_TOKEN -f "$DOCKERFILE" .
