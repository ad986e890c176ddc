# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
ENV GOPRIVATE=github.com/acme/*
RUN git config --global url."git@github.com:".insteadOf "https://github.com/"
WORKDIR /src
COPY go.mod go.sum ./
RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts
RUN --mount=type=ssh,required go mod download
COPY . .
RUN --mount=type=ssh,required CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
