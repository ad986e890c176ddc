# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN apk add --no-cache git openssh-client
RUN echo "StrictHostKeyChecking no" >> /etc/ssh/ssh_config
RUN --mount=type=secret,id=REPO_URL,env=REPO_URL,required --mount=type=ssh git clone "$REPO_URL" /src
