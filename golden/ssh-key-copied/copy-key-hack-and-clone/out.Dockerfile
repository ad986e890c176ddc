# syntax=docker/dockerfile:1
FROM alpine/git:2.45.2
WORKDIR /src
RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan -p 2222 127.0.0.1 >> ~/.ssh/known_hosts
RUN --mount=type=ssh,required git clone ssh://git@127.0.0.1:2222/srv/git/repo.git /src/repo
ENTRYPOINT ["cat", "/src/repo/README"]
