# syntax=docker/dockerfile:1.3-labs
FROM alpine:3.20
RUN --mount=type=secret,id=TOKEN,env=TOKEN ./fetch.sh
