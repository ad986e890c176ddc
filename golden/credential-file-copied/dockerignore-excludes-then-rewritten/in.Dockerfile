FROM node:20
WORKDIR /usr/src/app
COPY .npmrc-ci .npmrc
COPY package*.json ./
RUN npm install
COPY . .
CMD ["npm", "start"]
