FROM alpine/git:2.45.2 AS src
COPY git-credentials /root/.git-credentials
RUN git config --global credential.helper store && \
    git clone https://git.example.com/acme/private.git /src

FROM alpine:3.20
COPY --from=src /src /src
