# syntax=docker/dockerfile:1
FROM node:20 AS deps
RUN mkdir -p /root/.ssh
WORKDIR /app
COPY package.json package-lock.json ./
RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts
RUN --mount=type=ssh,required npm ci

FROM node:20-slim
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
CMD ["node", "server.js"]
