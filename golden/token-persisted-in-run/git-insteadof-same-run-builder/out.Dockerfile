# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
ENV GOPRIVATE=github.com/acme/*
RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN,required \
    git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/" && \
    go mod download && git config --global --remove-section url."https://${GH_TOKEN}@github.com/"
COPY . .
RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN,required git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/" && go build -mod=mod -o /out/app ./cmd/app && git config --global --remove-section url."https://${GH_TOKEN}@github.com/"

FROM gcr.io/distroless/static
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
