# syntax=docker/dockerfile:1
# pullguard: multi-stage build on the current Node LTS. The builder compiles TypeScript; the
# runtime stage holds only dist/, production dependencies and package.json, and runs as non-root.

FROM node:22.21-bookworm-slim AS builder
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22.21-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:22.21-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=builder /src/dist ./dist
COPY package.json ./
# 65532: the conventional non-root uid of distroless images; the manifests run as it too.
USER 65532:65532
EXPOSE 8443
# No HEALTHCHECK: Kubernetes probes /healthz and /readyz over HTTPS (see manifests/).
# The app handles SIGTERM itself (drains in-flight requests), so node runs as PID 1 directly.
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve", "--config", "/etc/pullguard/config.yaml", "--tls-cert", "/var/run/pullguard/tls/tls.crt", "--tls-key", "/var/run/pullguard/tls/tls.key"]
