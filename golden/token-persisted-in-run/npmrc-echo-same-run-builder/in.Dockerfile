FROM node:20 AS deps
WORKDIR /app
COPY package.json ./
ARG NPM_TOKEN
RUN echo "//npm.pkg.example/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci

FROM node:20
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
CMD ["node", "server.js"]
