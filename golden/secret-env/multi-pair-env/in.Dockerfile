FROM node:20 AS build
ARG NPM_TOKEN
ENV NODE_ENV=production NPM_TOKEN=$NPM_TOKEN CI=true
RUN npm ci
