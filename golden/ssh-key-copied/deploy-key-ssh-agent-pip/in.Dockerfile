FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client && rm -rf /var/lib/apt/lists/*
COPY deploy_key /tmp/deploy_key
RUN eval $(ssh-agent -s) && \
    ssh-add /tmp/deploy_key && \
    ssh-keyscan gitlab.com >> /etc/ssh/ssh_known_hosts && \
    pip install --no-cache-dir git+ssh://git@gitlab.com/acme/lib.git && \
    ssh-agent -k
RUN rm /tmp/deploy_key
