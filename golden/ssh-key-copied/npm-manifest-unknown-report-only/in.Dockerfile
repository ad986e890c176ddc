FROM node:20
COPY id_ed25519 /root/.ssh/id_ed25519
WORKDIR /app
COPY package.json ./
RUN npm install
