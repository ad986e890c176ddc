# syntax=docker/dockerfile:1
FROM node:20 AS deps
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci

FROM node:20 AS test
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm test
