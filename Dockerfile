# One image for every role (worker, api, bots); docker-compose.yml picks the role per service.
# The WebAssembly modules (text screening's quick check, the image index's scan) are compiled in a build
# stage (their compiler is a dev dependency).
FROM node:20-bookworm-slim AS wasm
WORKDIR /build
ENV ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY detectors/text/wasm detectors/text/wasm
COPY detectors/image/wasm detectors/image/wasm
RUN npm run build:wasm

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
COPY --from=wasm /build/detectors/text/wasm/quick-check.wasm detectors/text/wasm/
COPY --from=wasm /build/detectors/image/wasm/mih-scan.wasm detectors/image/wasm/
# The workflow bundle and the bundle `start` runs from (scripts/start.mjs), which every container would
# otherwise build on its first run.
RUN npm run build:workflows && node scripts/start.mjs --build-only
USER node
ENTRYPOINT ["node", "bin/wild-sentinel.mjs"]
CMD ["start"]
