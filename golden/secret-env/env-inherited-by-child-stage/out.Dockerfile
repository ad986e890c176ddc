# syntax=docker/dockerfile:1
FROM node:20 AS base
WORKDIR /app

FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci

FROM node:20-slim
COPY --from=deps /app/node_modules /app/node_modules
CMD ["node", "/app/index.js"]
