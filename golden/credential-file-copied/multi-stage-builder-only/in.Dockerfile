FROM node:20 AS deps
WORKDIR /app
COPY package.json ./
COPY .npmrc ./
RUN npm ci && rm -f .npmrc

FROM node:20
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY server.js ./
CMD ["node", "server.js"]
