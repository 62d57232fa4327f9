# syntax=docker/dockerfile:1
# One of the static sites (website, docs, internal-docs) served by nginx. The production build
# needs the contact form's settings (scripts/build-sites.ts stops without them):
#   docker build -f deploy/docker/sites.Dockerfile --build-arg SITE=website \
#     --build-arg CONTACT_API_URL=https://contact.example/api/contact \
#     --build-arg TURNSTILE_SITE_KEY=0x... -t monozu/website .
# All three are built (the docs link to the website's output), and SITE picks the one served.
# The contact API is a Cloudflare Worker, deployed by wrangler (sites/contact-api), not an image.
ARG NODE_IMAGE=node:24-bookworm-slim
# nginx-unprivileged: the official nginx build that runs as a non-root user on port 8080.
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.29-alpine

FROM ${NODE_IMAGE} AS build
ARG CONTACT_API_URL
ARG TURNSTILE_SITE_KEY
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN CONTACT_API_URL="$CONTACT_API_URL" TURNSTILE_SITE_KEY="$TURNSTILE_SITE_KEY" node scripts/build-sites.ts

FROM ${NGINX_IMAGE} AS runtime
ARG SITE=website
COPY deploy/docker/sites-nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/sites/${SITE}/dist /usr/share/nginx/html
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
