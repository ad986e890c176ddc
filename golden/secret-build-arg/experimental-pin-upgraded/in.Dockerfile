# syntax=docker/dockerfile:1.0.0-experimental
FROM alpine:3.20
ARG NPM_TOKEN
RUN npm ci
