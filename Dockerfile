# syntax=docker/dockerfile:1.7.1
# warden control plane. Stages: deps (all deps, native builds) -> build -> runtime (production deps
# only, non-root). The `tests` target runs the integration suites inside the compose network.

FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npx nest build control-plane \
 && npm run build:console \
 && npm prune --omit=dev --no-audit --no-fund

FROM deps AS tests
RUN apt-get update \
 && apt-get install -y --no-install-recommends nats-server curl jq \
 && rm -rf /var/lib/apt/lists/*
COPY . .
CMD ["npm", "run", "test:integration"]

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production \
    WARDEN_HTTP_HOST=0.0.0.0 \
    WARDEN_HTTP_PORT=8080 \
    WARDEN_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --retries=12 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/control-plane/main.js"]
