FROM alpine:3.20
RUN apk add --no-cache git openssh-client
RUN git config --global core.sshCommand "ssh -o StrictHostKeyChecking=no" && git config --global user.name ci
RUN --mount=type=ssh git clone git@github.com:acme/a.git /a
RUN --mount=type=ssh ssh -o StrictHostKeyChecking=no -p 2200 deploy@build.example.net "cat /etc/release" > /release.txt
