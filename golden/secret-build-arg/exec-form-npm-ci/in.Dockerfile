FROM node:20
ARG NPM_TOKEN
WORKDIR /app
COPY package.json package-lock.json ./
RUN ["npm", "ci"]
CMD ["node", "index.js"]
