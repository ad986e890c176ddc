FROM alpine:3.20
RUN apk add --no-cache git openssh-client
COPY id_rsa id_rsa.pub known_hosts /root/.ssh/
RUN git clone git@bitbucket.org:acme/infra.git /infra
