#!/bin/sh
set -eu
docker build -t acme/web:latest web
