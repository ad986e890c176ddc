# syntax=docker/dockerfile:1.4
FROM alpine:3.20
ARG NPM_TOKEN
RUN npm ci
