# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN ./setup.sh
RUN --mount=type=secret,id=DOCKER_PASSWORD,env=DOCKER_PASSWORD,required ./push.sh
