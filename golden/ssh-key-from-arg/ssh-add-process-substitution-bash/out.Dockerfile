# syntax=docker/dockerfile:1
FROM ruby:3.3
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN --mount=type=ssh,required mkdir -p ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts && \
    bundle install
