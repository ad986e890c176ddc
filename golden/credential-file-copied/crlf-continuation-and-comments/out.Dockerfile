# syntax=docker/dockerfile:1
FROM node:20
WORKDIR /app
# the registry token
COPY package.json \
     ./
RUN --mount=type=secret,id=npmrc,target=/app/.npmrc,required npm ci
CMD ["node", "index.js"]