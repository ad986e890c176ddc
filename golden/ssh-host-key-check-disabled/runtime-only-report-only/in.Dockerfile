FROM alpine:3.20
RUN apk add --no-cache openssh-client
RUN echo "StrictHostKeyChecking no" >> /etc/ssh/ssh_config
COPY tunnel.sh /usr/local/bin/tunnel.sh
ENTRYPOINT ["tunnel.sh"]
