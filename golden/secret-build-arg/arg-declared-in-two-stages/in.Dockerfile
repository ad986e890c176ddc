FROM node:20 AS deps
ARG NPM_TOKEN
RUN npm ci

FROM node:20 AS test
ARG NPM_TOKEN
RUN npm test
