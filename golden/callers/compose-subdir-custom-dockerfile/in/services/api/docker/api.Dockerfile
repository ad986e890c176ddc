FROM golang:1.22 AS build
ARG GOPRIVATE_TOKEN
WORKDIR /src
COPY . .
RUN git config --global url."https://x-access-token:${GOPRIVATE_TOKEN}@github.com/".insteadOf "https://github.com/" && go build -o /out/api ./cmd/api

FROM gcr.io/distroless/base-debian12
COPY --from=build /out/api /api
ENTRYPOINT ["/api"]
