// The local automation API (DESIGN.md §1: src/main/api, over the engine's `invoke`).
export { startApiServer, type ApiController, type ApiControllerOptions } from './api-controller';
export { DEFAULT_API_LIMITS, listenApiServer, type ApiLimits, type ApiServerOptions, type RunningApiServer } from './server';
export { openApiDocument } from './openapi';
