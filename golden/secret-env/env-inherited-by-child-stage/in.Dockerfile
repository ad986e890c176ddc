FROM node:20 AS base
ARG NPM_TOKEN
ENV NPM_TOKEN=$NPM_TOKEN
WORKDIR /app

FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci

FROM node:20-slim
COPY --from=deps /app/node_modules /app/node_modules
CMD ["node", "/app/index.js"]
