# syntax=docker/dockerfile:1
# UserState API. Debian slim (glibc), not alpine: bcrypt and argon2 ship prebuilt linux-x64 glibc binaries.
# Node 24 LTS; the tests run on Node 20, so .ci/run also runs the deployment tests on a Node 24 binary.
# Operator CLI inside the container: `docker compose exec api node dist/src/cli.js help`.

# ---- build: compile TypeScript to dist/ ----------------------------------------------------------------
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY libraries ./libraries
COPY src ./src
COPY scripts ./scripts
# tsc -p tsconfig.build.json → dist/src/index.js, dist/src/migrations/*.js, dist/config/*, dist/libraries/*.json
RUN npm run build

# ---- runtime: production dependencies + compiled code, as the non-root `node` user ----------------------
FROM node:24-slim AS runtime
ENV NODE_ENV=production API_PORT=33010
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY libraries ./libraries
COPY config/voucher-ext.json ./config/voucher-ext.json
# Code stays root-owned (read-only to the app); only uploads and the mounted keystore belong to `node`.
RUN mkdir -p resources/user_profile_img keystore && chown -R node:node resources keystore
USER node
EXPOSE 33010
# Ready = PostgreSQL and Redis reachable, on whatever API_PORT the container runs with (/health/live only says the
# process answers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||33010)+'/health/ready',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/index.js"]
