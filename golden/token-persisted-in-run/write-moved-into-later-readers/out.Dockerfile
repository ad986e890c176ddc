# syntax=docker/dockerfile:1
FROM golang:1.22
WORKDIR /go/src/app
COPY . .
RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN,required go env -w GOPRIVATE=github.com/acme/*
RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN,required git config --global url."https://${GH_TOKEN}:x-oauth-basic@github.com/".insteadOf "https://github.com/" && { go mod download; go build -o /usr/local/bin/app .; } && git config --global --remove-section url."https://${GH_TOKEN}:x-oauth-basic@github.com/"
CMD ["app"]
