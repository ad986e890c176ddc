# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN apk add --no-cache git openssh-client
RUN --mount=type=secret,id=ssh_key mkdir -p /root/.ssh && cat /run/secrets/ssh_key > /root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa
RUN git clone git@github.com:acme/x.git /src
