FROM ruby:3.3
ARG SSH_PRIVATE_KEY
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN mkdir -p ~/.ssh && echo "$SSH_PRIVATE_KEY" > ~/.ssh/id_ed25519 && chmod 600 ~/.ssh/id_ed25519 && \
    bundle install && \
    rm ~/.ssh/id_ed25519
