FROM alpine/git:2.45.2
# The deploy key for the private repository
COPY id_rsa /root/.ssh/id_rsa
RUN chmod 600 /root/.ssh/id_rsa
RUN echo "StrictHostKeyChecking no" >> /etc/ssh/ssh_config
WORKDIR /src
RUN git clone ssh://git@127.0.0.1:2222/srv/git/repo.git /src/repo
ENTRYPOINT ["cat", "/src/repo/README"]
