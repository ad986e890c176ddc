# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
RUN mkdir -p -m 0700 /root/.ssh && git config --global url."ssh://git@git.acme.example:7999/".insteadOf "https://git.acme.example/"
ENV GOPRIVATE=git.acme.example
WORKDIR /src
COPY . .
RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan -p 7999 git.acme.example >> ~/.ssh/known_hosts
RUN --mount=type=ssh,required go mod download && go build -o /out/svc ./cmd/svc

FROM gcr.io/distroless/base
COPY --from=build /out/svc /svc
ENTRYPOINT ["/svc"]
