# syntax=docker/dockerfile:1
FROM node:20
RUN mkdir -p /root/.ssh
RUN ssh-keyscan github.com >> /root/.ssh/known_hosts
WORKDIR /app
RUN --mount=type=ssh,required git clone git@github.com:acme/web.git .
RUN npm ci --omit=dev
