FROM alpine:3.20
COPY id_ed25519 /root/.ssh/id_ed25519
RUN apk add --no-cache git openssh-client && git clone git@github.com:acme/tools.git /opt/tools
