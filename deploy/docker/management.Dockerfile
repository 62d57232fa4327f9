# syntax=docker/dockerfile:1
# Monozu management: `monozu start --profile management` on Node 24, port 8080 (MANAGEMENT_PORT),
# its own data dir (DATA_DIR/management) and database (MANAGEMENT_DATABASE_URL). Build from the repository root:
#   docker build -f deploy/docker/management.Dockerfile -t monozu/management .
# Stages: deps (every dependency, for the UI build) -> build (the shell and UI modules) ->
# prod-deps (dependencies only) -> runtime (no compiler, no dev tools, runs as user node).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY . .
# --ignore-scripts: the image's own Node 24 runs everything, so the `node` devDependency's
# download of a second Node (and the postinstall's tap rebuild) has nothing to do here.
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
RUN node scripts/build-ui.ts

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# HOST: listen beyond loopback inside the container. DATA_DIR: keys and secrets (mount a volume
# or, on Kubernetes, the Secret copied in by the init container; see deploy/README.md).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    LOG_FORMAT=json \
    DATA_DIR=/var/lib/monozu \
    MANAGEMENT_PORT=8080
WORKDIR /app
COPY --from=prod-deps /app /app
COPY --from=build /app/ui-shell/dist /app/ui-shell/dist
COPY --from=build /app/ui-plugins /app/ui-plugins
RUN mkdir -p /var/lib/monozu && chown node:node /var/lib/monozu
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/api/v1/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The kernel handles SIGTERM itself (drains requests, releases jobs), so node may be PID 1.
ENTRYPOINT ["node", "kernel/src/cli.ts"]
CMD ["start", "--profile", "management"]
