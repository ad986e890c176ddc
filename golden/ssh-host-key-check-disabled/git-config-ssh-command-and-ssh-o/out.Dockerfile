FROM alpine:3.20
RUN apk add --no-cache git openssh-client
RUN git config --global user.name ci
RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts && ssh-keyscan -p 2200 build.example.net >> ~/.ssh/known_hosts
RUN --mount=type=ssh git clone git@github.com:acme/a.git /a
RUN --mount=type=ssh ssh -p 2200 deploy@build.example.net "cat /etc/release" > /release.txt
