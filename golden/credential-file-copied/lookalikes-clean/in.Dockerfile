FROM node:20
WORKDIR /app
COPY .npmrc.example .npmrc
COPY id_ed25519.pub /root/.ssh/authorized_keys
COPY known_hosts /root/.ssh/known_hosts
COPY ssh_config /etc/ssh/ssh_config
COPY certs/ca.pem /usr/local/share/ca-certificates/ca.crt
COPY public.key /etc/apt/keyrings/vendor.key
COPY tsconfig.json package.json ./
COPY .env.example .env
RUN npm ci
