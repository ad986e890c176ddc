# syntax=docker/dockerfile:1
FROM node:20 AS build
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required ./prepare.sh
RUN --mount=type=secret,id=NPM_TOKEN,env=NODE_AUTH_TOKEN,required --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci
