FROM alpine:3.20 AS fetch
ARG ARTIFACT_USER=ci
RUN --mount=type=secret,id=ARTIFACT_PASSWORD,env=ARTIFACT_PASSWORD,required \
    echo "machine files.example.com login ${ARTIFACT_USER} password ${ARTIFACT_PASSWORD}" >> /root/.netrc && \
    curl -fsSL --netrc -o /tool.tgz https://files.example.com/tool.tgz && rm -f /root/.netrc

FROM alpine:3.20
COPY --from=fetch /tool.tgz /opt/tool.tgz
