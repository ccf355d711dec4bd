# syntax=docker/dockerfile:1.7
# One image per service, from one Dockerfile:
#   docker build --build-arg SERVICE=seat -t concert-booking/seat .
#   docker build --build-arg SERVICE=mock-dataplatform --build-arg SERVICE_PATH=tools/mock-dataplatform .
# Multi-stage: the TypeScript build and dev dependencies never reach the runtime image.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY packages/devstack/package.json packages/devstack/
COPY services services
COPY tools tools
RUN npm install --no-audit --no-fund --loglevel=error
COPY packages packages
ARG SERVICE
ARG SERVICE_PATH=services/${SERVICE}
RUN test -n "$SERVICE" || (echo "--build-arg SERVICE=<name> is required" && exit 1)
RUN npx tsc -b packages/contracts packages/platform "$SERVICE_PATH"
# A service with a browser app (services/web) builds it into its dist/public.
RUN npm run --if-present build:app -w "$SERVICE_PATH"
RUN npm prune --omit=dev --no-audit --no-fund --loglevel=error

FROM ${NODE_IMAGE}
ARG SERVICE
ARG SERVICE_PATH=services/${SERVICE}
ENV NODE_ENV=production \
    SERVICE_DIR=/app/service \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=root:root /src/node_modules node_modules
COPY --from=build --chown=root:root /src/packages/contracts/package.json packages/contracts/package.json
COPY --from=build --chown=root:root /src/packages/contracts/dist packages/contracts/dist
COPY --from=build --chown=root:root /src/packages/platform/package.json packages/platform/package.json
COPY --from=build --chown=root:root /src/packages/platform/dist packages/platform/dist
COPY --from=build --chown=root:root /src/${SERVICE_PATH}/package.json service/package.json
COPY --from=build --chown=root:root /src/${SERVICE_PATH}/dist service/dist
# Runs as the image's unprivileged user; nothing in /app is writable by it.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=2s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "service/dist/main.js"]
