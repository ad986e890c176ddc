# syntax=docker/dockerfile:1
FROM alpine/git:2.45.2 AS src
RUN --mount=type=secret,id=git_credentials,target=/root/.git-credentials,required git config --global credential.helper store && \
    git clone https://git.example.com/acme/private.git /src

FROM alpine:3.20
COPY --from=src /src /src
