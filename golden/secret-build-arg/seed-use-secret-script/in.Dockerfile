FROM alpine:3.20
ARG THEPASSWORD
COPY use_secret.sh /usr/local/bin/use_secret.sh
RUN use_secret.sh
