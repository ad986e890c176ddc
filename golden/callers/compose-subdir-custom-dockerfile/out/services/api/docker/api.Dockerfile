# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN --mount=type=secret,id=GOPRIVATE_TOKEN,env=GOPRIVATE_TOKEN,required git config --global url."https://x-access-token:${GOPRIVATE_TOKEN}@github.com/".insteadOf "https://github.com/" && go build -o /out/api ./cmd/api && git config --global --remove-section url."https://x-access-token:${GOPRIVATE_TOKEN}@github.com/"

FROM gcr.io/distroless/base-debian12
COPY --from=build /out/api /api
ENTRYPOINT ["/api"]
