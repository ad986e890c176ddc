FROM node:20
WORKDIR /app
ARG NPM_TOKEN
COPY .npmrc package.json ./
RUN npm ci
