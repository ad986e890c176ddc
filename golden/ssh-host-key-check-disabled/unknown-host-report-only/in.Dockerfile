FROM alpine:3.20
RUN apk add --no-cache git openssh-client
ARG REPO_URL
RUN echo "StrictHostKeyChecking no" >> /etc/ssh/ssh_config
RUN --mount=type=ssh git clone "$REPO_URL" /src
