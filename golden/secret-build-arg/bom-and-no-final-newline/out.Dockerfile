# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN --mount=type=secret,id=API_TOKEN,env=API_TOKEN,required ./deploy.sh