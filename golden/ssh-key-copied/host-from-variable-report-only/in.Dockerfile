FROM alpine:3.20
RUN apk add --no-cache git openssh-client
ARG GIT_HOST=git.internal.example
COPY id_rsa /root/.ssh/id_rsa
RUN git clone git@${GIT_HOST}:platform/config.git /etc/platform
