FROM alpine:3.20
ARG DB_PASSWORD
RUN apk add --no-cache postgresql-client
