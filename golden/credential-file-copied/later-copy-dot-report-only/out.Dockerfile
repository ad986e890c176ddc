# syntax=docker/dockerfile:1
FROM node:20
WORKDIR /usr/src/app
COPY .npmrc .npmrc
COPY package*.json ./
RUN --mount=type=secret,id=NPM_TOKEN,env=NPM_TOKEN,required npm install
COPY . .
CMD ["npm", "start"]
