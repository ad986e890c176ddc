# syntax=docker/dockerfile:1
FROM node:20
WORKDIR /app
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm config set //npm.pkg.github.com/:_authToken ${NPM_TOKEN}
COPY package*.json ./
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm ci
COPY . .
CMD ["npm", "start"]
