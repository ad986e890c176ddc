FROM alpine:3.20
RUN apk add --no-cache git openssh-client
COPY id_ed25519 /root/.ssh/id_ed25519
RUN git config --global gpg.format ssh && git config --global user.signingkey /root/.ssh/id_ed25519
RUN ssh-keygen -Y sign -f /root/.ssh/id_ed25519 -n file /release/manifest.txt
RUN git clone git@github.com:acme/release-tools.git /opt/release-tools
