FROM alpine:3.20
# dockerfile-migrate: ignore=DM101
ARG GITHUB_TOKEN
RUN ./fetch.sh
ARG NPM_TOKEN
RUN npm ci
