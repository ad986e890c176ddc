FROM alpine:3.20
ARG API_KEY
ENV API_KEY=${API_KEY}
RUN ./fetch-models.sh
CMD ./serve --api-key "$API_KEY"
