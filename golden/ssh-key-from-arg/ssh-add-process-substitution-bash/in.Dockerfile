FROM ruby:3.3
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG SSH_PRIVATE_KEY
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN eval "$(ssh-agent -s)" && ssh-add <(echo "$SSH_PRIVATE_KEY") && \
    mkdir -p ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts && \
    bundle install
