FROM alpine/git:2.45.2
ENV GIT_SSH_COMMAND="ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
RUN --mount=type=ssh,required git clone ssh://git@127.0.0.1:2222/srv/git/repo.git /src/repo
ENTRYPOINT ["cat", "/src/repo/README"]
