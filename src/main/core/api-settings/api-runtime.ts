/** Where the personal access token of the local automation API lives in the SecretStore. */
export const API_TOKEN_KEY = 'api:token';

/** What the API server says about itself: whether it listens, where, and why not. */
export interface ApiRuntimeState {
  running: boolean;
  /** The port it listens on, or null. */
  port: number | null;
  /** Why it could not start (e.g. the port is taken), or null. */
  error: string | null;
}

/**
 * A small shared cell between the API server (src/main/api, above the engine) and the engine's
 * `api:status`: the server writes its state, the engine reads it. The composition root creates
 * one and hands it to both `createCore({ apiRuntime })` and `startApiServer({ runtime })`.
 */
export interface ApiRuntime {
  get(): ApiRuntimeState;
  set(state: ApiRuntimeState): void;
}

/** A runtime cell that starts as "not running". */
export function createApiRuntime(): ApiRuntime {
  let state: ApiRuntimeState = { running: false, port: null, error: null };
  return {
    get: () => ({ ...state }),
    set: (next) => {
      state = { ...next };
    },
  };
}
