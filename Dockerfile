# oobd container image. Two stages: the build stage has the C++ toolchain that
# compiles re2 (npm ci builds it when no prebuilt binary can be fetched) and the
# TypeScript compiler; the runtime stage gets only dist/, the production
# node_modules and the shipped config and rules, and runs as a non-root user under
# tini, so SIGTERM (graceful stop) and SIGHUP (reload) reach oobd itself.
#
#   docker build -t oobd .
#   docker compose up -d --scale worker=2      (see docker-compose.yml)
#
# Node: the current LTS line. oobd supports Node 20.19+, 22 and 24.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# node-gyp compiles against the image's own Node headers rather than downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
# The build compiles the shipped rules once and records their digest
# (dist/rules-checked.json), so `oobd parse` may compile the classifier's sets lazily.
COPY rules rules
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system oobd \
 && useradd --system --gid oobd --home-dir /var/lib/oobd --shell /usr/sbin/nologin oobd \
 && mkdir -p /var/lib/oobd/logs /var/lib/oobd/quarantine \
 && chown -R oobd:oobd /var/lib/oobd
WORKDIR /opt/oobd
COPY --from=build /build/node_modules node_modules
COPY --from=build /build/dist dist
COPY package.json README.md LICENSE CHANGELOG.md ./
COPY bin bin
COPY docs docs
COPY web web
COPY config config
COPY rules rules
# The files the container reads, where docker-compose.yml mounts the operator's own:
# /etc/oobd/config (config/docker/oobd.toml names ../listener_domains.toml) and
# /etc/oobd/rules. Copies of the shipped ones, so the image also runs on its own.
COPY config /etc/oobd/config
COPY rules /etc/oobd/rules
RUN ln -s /opt/oobd/bin/oobd /usr/local/bin/oobd
ENV NODE_ENV=production \
    OOBD_CONFIG=/etc/oobd/config/docker/oobd.toml
USER oobd
WORKDIR /var/lib/oobd
VOLUME ["/var/lib/oobd/logs", "/var/lib/oobd/quarantine"]
# SMTP (port 25 inside the container: docker-compose.yml lets an unprivileged
# process bind it) and /metrics + /healthz.
EXPOSE 25 9025
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9025/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# oobd itself is the process tini watches: never `npm start`, whose npm and sh would
# stand between the signals and the server.
ENTRYPOINT ["/usr/bin/tini", "--", "oobd"]
CMD ["serve"]
