FROM amazon/aws-cli:2.15.0 AS fetch
COPY aws-credentials /root/.aws/credentials
RUN mkdir -p /models && aws s3 cp s3://acme-artifacts/model.bin /models/model.bin

FROM debian:bookworm-slim
COPY --from=fetch /models /models
