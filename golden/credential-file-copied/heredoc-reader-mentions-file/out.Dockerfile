# syntax=docker/dockerfile:1
FROM node:20
WORKDIR /app
RUN --mount=type=secret,id=npmrc,target=/app/.npmrc,required <<EOF
grep -q registry .npmrc
npm ci
EOF
CMD ["node", "index.js"]
