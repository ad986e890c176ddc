FROM node:20
WORKDIR /app
COPY package.json .npmrc ./
RUN npm ci && rm -f .npmrc
CMD ["node", "server.js"]
