# syntax=docker/dockerfile:1
FROM node:20
ARG APP_VERSION=1.0
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci
