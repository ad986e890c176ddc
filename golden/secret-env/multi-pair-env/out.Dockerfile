# syntax=docker/dockerfile:1
FROM node:20 AS build
ENV NODE_ENV=production CI=true
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci
