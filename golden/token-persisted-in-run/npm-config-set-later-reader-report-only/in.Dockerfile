FROM node:20
WORKDIR /app
ARG NPM_TOKEN
RUN npm config set //npm.pkg.github.com/:_authToken ${NPM_TOKEN}
COPY package*.json ./
RUN npm ci
COPY . .
CMD ["npm", "start"]
