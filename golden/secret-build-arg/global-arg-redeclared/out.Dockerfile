# syntax=docker/dockerfile:1
ARG NODE_VERSION=20
FROM node:${NODE_VERSION}
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci
