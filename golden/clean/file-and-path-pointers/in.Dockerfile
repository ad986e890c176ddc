FROM postgres:16
ENV POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password
ENV SSL_CERT_KEY_PATH=/etc/ssl/private/server.key
ARG PUBLIC_KEY_URL=https://example.invalid/key.pub
ENV NEXT_PUBLIC_API_URL=https://api.example.invalid
