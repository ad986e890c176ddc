# syntax=docker/dockerfile:1
FROM amazon/aws-cli:2.15.0 AS fetch
RUN mkdir -p /root/.aws
RUN --mount=type=secret,id=aws_credentials,target=/root/.aws/credentials,required mkdir -p /models && aws s3 cp s3://acme-artifacts/model.bin /models/model.bin

FROM debian:bookworm-slim
COPY --from=fetch /models /models
