FROM nginx:1.27
COPY nginx.conf /etc/nginx/nginx.conf
COPY tls/server.key /etc/nginx/tls/server.key
COPY tls/server.crt /etc/nginx/tls/server.crt
