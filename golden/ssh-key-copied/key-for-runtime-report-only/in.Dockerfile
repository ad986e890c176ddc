FROM alpine:3.20
RUN apk add --no-cache openssh-client rsync
COPY id_rsa /root/.ssh/id_rsa
RUN chmod 600 /root/.ssh/id_rsa
COPY backup.sh /usr/local/bin/backup.sh
CMD ["backup.sh"]
