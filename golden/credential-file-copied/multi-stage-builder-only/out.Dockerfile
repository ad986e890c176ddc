# syntax=docker/dockerfile:1
FROM node:20 AS deps
WORKDIR /app
COPY package.json ./
RUN --mount=type=secret,id=npmrc,target=/app/.npmrc,required npm ci

FROM node:20
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY server.js ./
CMD ["node", "server.js"]
