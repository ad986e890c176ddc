FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y openssh-client
COPY deploy.pem /root/deploy.pem
RUN chmod 400 /root/deploy.pem && scp -i /root/deploy.pem -P 2222 builder@files.example.com:/data/model.bin /opt/model.bin
