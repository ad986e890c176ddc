# syntax=docker/dockerfile:1
FROM gcr.io/go-containerregistry/crane:debug AS pull
RUN mkdir -p /root/.docker
RUN --mount=type=secret,id=docker_config,target=/root/.docker/config.json,required ["crane", "export", "registry.example.com/acme/assets:1.4", "/assets.tar"]

FROM alpine:3.20
COPY --from=pull /assets.tar /assets.tar
