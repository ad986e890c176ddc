FROM alpine:3.20
ENV NODE_VERSION 20.15.0
ENV YARN_VERSION 1.22.22
ARG NODE_AUTH_VERSION=2
RUN addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD [ "node" ]
