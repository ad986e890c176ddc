# syntax=docker/dockerfile:1
FROM node:20
WORKDIR /app
RUN --mount=type=secret,id=yarnrc,target=/app/.yarnrc.yml,required ["yarn", "install", "--immutable"]
RUN --mount=type=secret,id=yarnrc,target=/app/.yarnrc.yml,required <<EOF
yarn build
EOF
