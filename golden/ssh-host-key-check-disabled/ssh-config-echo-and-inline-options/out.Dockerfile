FROM alpine:3.20
RUN apk add --no-cache git openssh-client rsync
RUN mkdir -p /root/.ssh
RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan mirror.example.org github.com >> ~/.ssh/known_hosts
RUN --mount=type=ssh rsync -az deploy@mirror.example.org:/srv/data/ /data/
RUN --mount=type=ssh git clone git@github.com:acme/y.git /y
