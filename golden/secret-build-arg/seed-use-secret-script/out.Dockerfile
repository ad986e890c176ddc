# syntax=docker/dockerfile:1
FROM alpine:3.20
COPY use_secret.sh /usr/local/bin/use_secret.sh
RUN --mount=type=secret,id=THEPASSWORD,env=THEPASSWORD,required use_secret.sh
