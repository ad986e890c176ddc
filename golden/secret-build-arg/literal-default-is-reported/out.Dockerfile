# syntax=docker/dockerfile:1
FROM golang:1.22
RUN --mount=type=secret,id=GITHUB_TOKEN,env=GITHUB_TOKEN,required go env -w GOPRIVATE=github.com/acme/* && go mod download
