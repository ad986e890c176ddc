FROM golang:1.22 AS build
ARG GH_PAT
WORKDIR /src
COPY . .
RUN git config --global url."https://x-access-token:${GH_PAT}@github.com/".insteadOf "https://github.com/" && go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static
ARG VERSION=dev
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
