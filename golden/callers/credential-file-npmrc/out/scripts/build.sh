#!/bin/sh
set -eu
docker build --secret id=npmrc,src=web/.npmrc -t acme/web:latest web
