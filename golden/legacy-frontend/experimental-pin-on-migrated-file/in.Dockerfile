# syntax=docker/dockerfile:experimental
FROM alpine:3.20
RUN --mount=type=ssh git clone git@github.com:acme/app.git
