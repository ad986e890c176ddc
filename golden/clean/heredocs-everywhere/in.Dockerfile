# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN <<EOF
apk add --no-cache curl
echo "KEY=value" > /etc/app.conf
EOF
COPY <<-"EOT" /etc/motd
	Welcome $USER
	EOT
RUN <<A cat > /a && <<B cat > /b
first
A
second
B
