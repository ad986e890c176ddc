# A comment at the top is not a directive once other text came before
FROM debian:bookworm-slim
# install tools
RUN apt-get update \
    # keep the image small
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# ports
EXPOSE 8080
