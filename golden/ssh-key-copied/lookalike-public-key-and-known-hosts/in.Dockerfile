FROM alpine:3.20
RUN apk add --no-cache git openssh-client openssh-server
COPY id_rsa.pub /root/.ssh/authorized_keys
COPY known_hosts /root/.ssh/known_hosts
COPY ssh_config /etc/ssh/ssh_config
RUN ssh-keygen -A
RUN --mount=type=ssh git clone git@github.com:acme/private.git /src
CMD ["/usr/sbin/sshd", "-D", "-e"]
