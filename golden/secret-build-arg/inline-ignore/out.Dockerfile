# syntax=docker/dockerfile:1
FROM alpine:3.20
# dockerfile-migrate: ignore=DM101
ARG GITHUB_TOKEN
RUN ./fetch.sh
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci
