FROM node:20
WORKDIR /app
# the registry token
COPY package.json \
     .npmrc \
     ./
RUN npm ci \
    # install only
 && rm -f .npmrc
CMD ["node", "index.js"]