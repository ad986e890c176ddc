# syntax=docker/dockerfile:1
FROM golang:1.8
RUN mkdir -p /root/.ssh
RUN --mount=type=secret,id=SSH_KEY,env=SSH_KEY,required echo "$SSH_KEY" > /root/.ssh/id_rsa
RUN chmod 600 /root/.ssh/id_rsa
# git clone of the private repo goes here
RUN rm /root/.ssh/id_rsa
COPY . ./
