# syntax=docker/dockerfile:1
# escape=\
FROM alpine:3.20
RUN --mount=type=secret,id=REGISTRY_PASSWORD,env=REGISTRY_PASSWORD,required ./login.sh
