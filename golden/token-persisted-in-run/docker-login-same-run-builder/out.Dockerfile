FROM docker:27-cli AS publish
COPY image.tar /image.tar
RUN --mount=type=secret,id=REGISTRY_PASSWORD,env=REGISTRY_PASSWORD,required \
    docker login registry.example.com -u ci -p "$REGISTRY_PASSWORD" && \
    docker load -i /image.tar && docker push registry.example.com/acme/app:1.0 && docker logout registry.example.com

FROM alpine:3.20
COPY --from=publish /image.tar /image.tar
