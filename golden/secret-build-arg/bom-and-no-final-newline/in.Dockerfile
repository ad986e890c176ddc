FROM alpine:3.20
ARG API_TOKEN
RUN ./deploy.sh