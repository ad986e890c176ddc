# syntax=docker/dockerfile:1
FROM golang:1.22
RUN --mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN,required git config --global url."https://${GITHUB_TOKEN}:x-oauth-basic@github.com/".insteadOf "https://github.com/"
