# syntax=docker/dockerfile:1
FROM ruby:3.3
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts
RUN --mount=type=ssh,required mkdir -p ~/.ssh && bundle install
