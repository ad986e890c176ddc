FROM node:20
ONBUILD COPY package.json /app/
ONBUILD RUN npm install
HEALTHCHECK --interval=30s CMD ["wget", "-q", "-O-", "http://localhost:3000/health"]
