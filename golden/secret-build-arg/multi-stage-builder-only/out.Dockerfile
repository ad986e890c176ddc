# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN --mount=type=secret,id=GH_PAT,env=GH_PAT,required git config --global url."https://x-access-token:${GH_PAT}@github.com/".insteadOf "https://github.com/" && go build -o /out/app ./cmd/app && git config --global --remove-section url."https://x-access-token:${GH_PAT}@github.com/"

FROM gcr.io/distroless/static
ARG VERSION=dev
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
