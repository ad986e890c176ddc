FROM golang:1.22
WORKDIR /go/src/app
COPY . .
ARG GH_TOKEN
RUN go env -w GOPRIVATE=github.com/acme/*
RUN git config --global url."https://${GH_TOKEN}:x-oauth-basic@github.com/".insteadOf "https://github.com/"
RUN go mod download; go build -o /usr/local/bin/app .
CMD ["app"]
