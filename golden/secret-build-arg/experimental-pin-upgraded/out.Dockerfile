# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci
