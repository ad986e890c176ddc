# syntax=docker/dockerfile:1
FROM node:20
WORKDIR /app
COPY .npmrc package.json ./
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci
