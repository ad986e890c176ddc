# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN --mount=type=ssh,required apk add --no-cache git openssh-client && mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts && git clone git@github.com:acme/tools.git /opt/tools
