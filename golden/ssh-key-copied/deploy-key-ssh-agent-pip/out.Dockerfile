# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client && rm -rf /var/lib/apt/lists/*
RUN --mount=type=ssh,required ssh-keyscan gitlab.com >> /etc/ssh/ssh_known_hosts && \
    pip install --no-cache-dir git+ssh://git@gitlab.com/acme/lib.git
