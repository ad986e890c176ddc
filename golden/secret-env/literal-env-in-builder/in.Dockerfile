FROM node:20 AS build
ENV NPM_TOKEN=npm_Q8r2Lx7Vb4Nc1Jf6Gq3Tw9Zs5Hd0Kp2Ym7Ra
RUN npm ci

FROM node:20-slim
COPY --from=build /app /app
CMD ["node", "/app"]
