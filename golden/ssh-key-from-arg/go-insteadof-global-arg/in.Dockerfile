ARG SSH_PRIVATE_KEY
FROM golang:1.22 AS build
ARG SSH_PRIVATE_KEY
RUN mkdir -p -m 0700 /root/.ssh && printf '%s\n' "$SSH_PRIVATE_KEY" > /root/.ssh/id_ed25519 && chmod 600 /root/.ssh/id_ed25519 && \
    git config --global url."ssh://git@git.acme.example:7999/".insteadOf "https://git.acme.example/"
ENV GOPRIVATE=git.acme.example
WORKDIR /src
COPY . .
RUN go mod download && go build -o /out/svc ./cmd/svc

FROM gcr.io/distroless/base
COPY --from=build /out/svc /svc
ENTRYPOINT ["/svc"]
