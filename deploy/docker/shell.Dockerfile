# syntax=docker/dockerfile:1
# The web UI as static files: the shell at / and each UI module at /ui/<plugin id>/, served by
# nginx. For a CDN or a UI host separate from the API: set the cloud's UI_BASE_URL to where /ui/
# is served, and route /api/ (and /internal/, /.well-known/, /v1/) to the cloud instances.
# The cloud image serves the same files itself; this image is for when the UI is hosted apart.
#   docker build -f deploy/docker/shell.Dockerfile -t monozu/shell .
ARG NODE_IMAGE=node:24-bookworm-slim
# nginx-unprivileged: the official nginx build that runs as a non-root user on port 8080.
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.29-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN node scripts/build-ui.ts
# One tree: the shell's build at the root, every module's build under ui/<id>/.
RUN mkdir -p /out/ui && cp -r ui-shell/dist/. /out/ \
 && for d in ui-plugins/*/dist; do id=$(basename "$(dirname "$d")"); mkdir -p "/out/ui/$id" && cp -r "$d/." "/out/ui/$id/"; done

FROM ${NGINX_IMAGE} AS runtime
COPY deploy/docker/shell-nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /out /usr/share/nginx/html
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
