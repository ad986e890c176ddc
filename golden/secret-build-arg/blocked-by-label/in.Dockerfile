FROM alpine:3.20
ARG SONAR_TOKEN
LABEL scanner.token=$SONAR_TOKEN
RUN ./scan.sh
