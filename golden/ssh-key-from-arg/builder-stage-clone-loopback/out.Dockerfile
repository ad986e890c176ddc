# syntax=docker/dockerfile:1
FROM alpine/git:2.45.2 AS src
RUN mkdir -p -m 0700 /root/.ssh
RUN ssh-keyscan -p 2222 127.0.0.1 >> /root/.ssh/known_hosts
RUN --mount=type=ssh,required git clone ssh://git@127.0.0.1:2222/srv/git/repo.git /src/repo

FROM alpine:3.20
COPY --from=src /src/repo/README /app/README
CMD ["cat", "/app/README"]
