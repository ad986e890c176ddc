# syntax=docker/dockerfile:1
FROM node:20 AS deps
WORKDIR /app
COPY package.json ./
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required echo "//npm.pkg.example/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm -f /app/.npmrc

FROM node:20
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
CMD ["node", "server.js"]
