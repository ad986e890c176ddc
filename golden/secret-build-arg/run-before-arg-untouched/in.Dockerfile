FROM alpine:3.20
RUN ./setup.sh
ARG DOCKER_PASSWORD
RUN ./push.sh
