ARG NPM_TOKEN
# syntax=docker/dockerfile:1.2
FROM node:20
RUN echo "token set"
