# escape=\
FROM alpine:3.20
ARG REGISTRY_PASSWORD
RUN ./login.sh
