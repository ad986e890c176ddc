FROM gcr.io/go-containerregistry/crane:debug AS pull
COPY docker-config.json /root/.docker/config.json
RUN ["crane", "export", "registry.example.com/acme/assets:1.4", "/assets.tar"]

FROM alpine:3.20
COPY --from=pull /assets.tar /assets.tar
