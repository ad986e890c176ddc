FROM node:20
WORKDIR /app
COPY .npmrc ./
RUN <<EOF
grep -q registry .npmrc
npm ci
EOF
CMD ["node", "index.js"]
