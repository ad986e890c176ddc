# syntax=docker/dockerfile:1
FROM node:20-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm -f .npmrc
COPY . .
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm run build
CMD ["node", "dist/index.js"]
