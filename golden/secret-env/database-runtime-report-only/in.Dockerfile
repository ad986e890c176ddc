FROM postgres:16
ENV POSTGRES_PASSWORD=postgres
ENV POSTGRES_DB=app
COPY init.sql /docker-entrypoint-initdb.d/
