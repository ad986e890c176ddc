FROM alpine/git:2.45.2 AS src
ARG SSH_PRIVATE_KEY
RUN mkdir -p -m 0700 /root/.ssh && echo "$SSH_PRIVATE_KEY" > /root/.ssh/id_ed25519 && chmod 600 /root/.ssh/id_ed25519
RUN ssh-keyscan -p 2222 127.0.0.1 >> /root/.ssh/known_hosts
RUN git clone ssh://git@127.0.0.1:2222/srv/git/repo.git /src/repo

FROM alpine:3.20
COPY --from=src /src/repo/README /app/README
CMD ["cat", "/app/README"]
