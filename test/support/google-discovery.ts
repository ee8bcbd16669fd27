import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { SPECS_DIR } from './openapi';

/**
 * Checks requests and answers against a Google API discovery document (`../shared/specs`), the
 * machine-readable description Google publishes for each API
 * (https://developers.google.com/discovery/v1/reference/apis): which methods exist at which
 * paths, their query parameters (names, types, required, repeated), request and response
 * schemas, media upload paths and scopes. Discovery schemas are turned into JSON Schema with no
 * unknown properties allowed, so a misspelt field in a request, or a fake inventing one in an
 * answer, is a problem.
 *
 * Errors are not in the discovery document: they follow Google's JSON error format
 * (https://developers.google.com/youtube/v3/docs/errors, https://cloud.google.com/apis/design/errors).
 */

// ajv-formats is CommonJS with a default export; under NodeNext-style interop it may arrive wrapped.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv2020) => Ajv2020;

/** One exchange with a Google API, as a fake records it. */
export interface GoogleExchange {
  method: string;
  /** Path without the query. */
  path: string;
  /** Query parameters (a name may repeat). */
  query: Array<[string, string]>;
  /**
   * `api`: a described call (JSON body or none); `upload`: a media upload start (metadata body,
   * `uploadType` resumable or media); `session`: a PUT on a resumable session URI (not described
   * by discovery, checked by the protocol fake; its final answer is the method's resource).
   */
  leg: 'api' | 'upload' | 'session';
  /** The method a session leg belongs to (`youtube.videos.insert`). */
  methodId?: string;
  /** Parsed JSON body, or undefined (media bytes are not recorded). */
  body: unknown;
  status: number;
  response: unknown;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
}

interface DiscoveryParam {
  type?: string;
  format?: string;
  location?: string;
  required?: boolean;
  repeated?: boolean;
  enum?: string[];
  minimum?: string;
  maximum?: string;
}

interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  parameters?: Record<string, DiscoveryParam>;
  request?: { $ref: string };
  response?: { $ref: string };
  scopes?: string[];
  mediaUpload?: { accept: string[]; maxSize?: string; protocols: Record<string, { path: string }> };
}

interface DiscoverySchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
}

interface DiscoveryDoc {
  servicePath: string;
  parameters: Record<string, DiscoveryParam>;
  resources: Record<string, { methods?: Record<string, DiscoveryMethod>; resources?: DiscoveryDoc['resources'] }>;
  schemas: Record<string, DiscoverySchema>;
}

/** A method found for a request, with how it was addressed. */
export interface FoundMethod {
  method: DiscoveryMethod;
  /** 'simple' / 'resumable' for media upload paths, null for the plain API path. */
  upload: string | null;
}

const ID = 'discovery';

/** Google's JSON error answer. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'errors'],
      additionalProperties: false,
      properties: {
        code: { type: 'integer', minimum: 400, maximum: 599 },
        message: { type: 'string', minLength: 1 },
        status: { type: 'string' },
        errors: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['message', 'domain', 'reason'],
            additionalProperties: false,
            properties: { message: { type: 'string' }, domain: { type: 'string' }, reason: { type: 'string' }, location: { type: 'string' }, locationType: { type: 'string' } },
          },
        },
      },
    },
  },
};

function toJsonSchema(s: DiscoverySchema): Record<string, unknown> {
  if (s.$ref) return { $ref: `${ID}#/$defs/${s.$ref}` };
  const enumOf = s.enum ? { enum: s.enum } : {};
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = { type: 'object' };
      if (s.properties) {
        out['properties'] = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toJsonSchema(v)]));
        out['additionalProperties'] = s.additionalProperties ? toJsonSchema(s.additionalProperties) : false;
      } else if (s.additionalProperties) out['additionalProperties'] = toJsonSchema(s.additionalProperties);
      return out;
    }
    case 'array':
      return { type: 'array', items: s.items ? toJsonSchema(s.items) : {} };
    case 'string':
      // JSON carries 64-bit integers as strings.
      if (s.format === 'int64' || s.format === 'uint64') return { type: 'string', pattern: '^-?\\d+$' };
      if (s.format === 'date-time' || s.format === 'google-datetime') return { type: 'string', format: 'date-time', ...enumOf };
      return { type: 'string', ...enumOf };
    case 'integer':
      return { type: 'integer', ...(s.format === 'uint32' ? { minimum: 0 } : {}) };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    default:
      // 'any'
      return {};
  }
}

/** A validator over one discovery document. */
export class DiscoveryValidator {
  readonly doc: DiscoveryDoc;
  private readonly ajv: Ajv2020;
  private readonly methods: DiscoveryMethod[] = [];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(file: string) {
    this.doc = JSON.parse(readFileSync(join(SPECS_DIR, file), 'utf8')) as DiscoveryDoc;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, inlineRefs: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: ID, $defs: Object.fromEntries(Object.entries(this.doc.schemas).map(([name, s]) => [name, toJsonSchema(s)])) });
    const collect = (resources: DiscoveryDoc['resources']) => {
      for (const r of Object.values(resources)) {
        this.methods.push(...Object.values(r.methods ?? {}));
        if (r.resources) collect(r.resources);
      }
    };
    collect(this.doc.resources);
  }

  /** A method by id (`youtube.videos.insert`). */
  method(id: string): DiscoveryMethod {
    const m = this.methods.find((x) => x.id === id);
    if (!m) throw new Error(`no method ${id} in the discovery document`);
    return m;
  }

  /** The method a request addresses, by HTTP method and path (the API path or a media upload path). */
  find(httpMethod: string, path: string): FoundMethod | null {
    const relative = path.replace(/^\//, '');
    for (const m of this.methods) {
      if (m.httpMethod !== httpMethod.toUpperCase()) continue;
      if (`${this.doc.servicePath}${m.path}` === relative) return { method: m, upload: null };
      for (const [name, protocol] of Object.entries(m.mediaUpload?.protocols ?? {})) {
        if (protocol.path.replace(/^\//, '') === relative) return { method: m, upload: name };
      }
    }
    return null;
  }

  /** The scopes a method accepts (any one of them is enough). */
  scopes(methodId: string): string[] {
    return this.method(methodId).scopes ?? [];
  }

  private compile(key: string, schema: Record<string, unknown>): ValidateFunction {
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.cache.set(key, fn);
    }
    return fn;
  }

  private check(where: string, key: string, schema: Record<string, unknown>, value: unknown): string[] {
    const validate = this.compile(key, schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${where}${e.instancePath || '/'} ${e.message ?? 'invalid'}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
  }

  /** Problems with a request's query parameters (unknown, missing, mistyped) against its method. */
  validateQuery(found: FoundMethod, query: Array<[string, string]>): string[] {
    const { method } = found;
    const where = `${method.id} query`;
    const problems: string[] = [];
    const params = { ...this.doc.parameters, ...method.parameters };
    const seen = new Map<string, string[]>();
    for (const [name, value] of query) seen.set(name, [...(seen.get(name) ?? []), value]);
    for (const [name, values] of seen) {
      const p = params[name];
      if (!p) {
        problems.push(`${where}: unknown parameter ${name}`);
        continue;
      }
      if (values.length > 1 && !p.repeated) problems.push(`${where}: ${name} given ${values.length} times`);
      for (const raw of values) {
        // A repeated parameter may also come as one comma-separated value (part=snippet,status).
        for (const value of p.repeated ? raw.split(',') : [raw]) {
          if (p.type === 'boolean' && value !== 'true' && value !== 'false') problems.push(`${where}: ${name} must be true or false (got ${value})`);
          if (p.type === 'integer') {
            const n = Number(value);
            if (!/^-?\d+$/.test(value)) problems.push(`${where}: ${name} must be an integer (got ${value})`);
            else if ((p.minimum !== undefined && n < Number(p.minimum)) || (p.maximum !== undefined && n > Number(p.maximum))) problems.push(`${where}: ${name} out of range (got ${value})`);
          }
          if (p.enum && !p.enum.includes(value)) problems.push(`${where}: ${name} must be one of ${p.enum.join(', ')} (got ${value})`);
          if (p.type === 'string' && value.trim() === '' && p.required) problems.push(`${where}: ${name} is empty`);
        }
      }
    }
    for (const [name, p] of Object.entries(method.parameters ?? {})) {
      if (p.required && !seen.has(name)) problems.push(`${where}: missing required parameter ${name}`);
    }
    if (found.upload) {
      const type = seen.get('uploadType')?.[0];
      if (!type) problems.push(`${where}: a media upload needs uploadType`);
      else if (!['resumable', 'media', 'multipart'].includes(type)) problems.push(`${where}: uploadType ${type} is not a Google upload protocol`);
    }
    return problems;
  }

  /**
   * Problems with a request body: the method's request schema, and (YouTube's rule for writes)
   * every resource part set in the body must be named in `part`, or the API ignores it.
   */
  validateBody(method: DiscoveryMethod, body: unknown, query: Array<[string, string]>): string[] {
    if (!method.request) return body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0) ? [] : [`${method.id}: takes no request body`];
    const ref = method.request.$ref;
    const problems = this.check(`${method.id} request`, `req:${ref}`, { $ref: `${ID}#/$defs/${ref}` }, body ?? {});
    const parts = query.filter(([k]) => k === 'part').flatMap(([, v]) => v.split(','));
    if (parts.length > 0 && body && typeof body === 'object') {
      for (const key of Object.keys(body)) {
        if (['id', 'kind', 'etag'].includes(key)) continue;
        if (!parts.includes(key)) problems.push(`${method.id} request: body sets ${key} but part does not name it (YouTube ignores it)`);
      }
    }
    return problems;
  }

  /** Problems with an answer: 2xx against the method's response schema, errors against Google's error format. */
  validateResponse(method: DiscoveryMethod, status: number, body: unknown): string[] {
    if (status >= 400) return this.check(`${method.id} ${status} answer`, 'error', ERROR_SCHEMA, body);
    if (status === 204 || !method.response) return [];
    const ref = method.response.$ref;
    return this.check(`${method.id} ${status} answer`, `res:${ref}`, { $ref: `${ID}#/$defs/${ref}` }, body);
  }

  /** Problems with a value against a named schema (`Video`). */
  validateEntity(name: string, value: unknown): string[] {
    return this.check(name, `entity:${name}`, { $ref: `${ID}#/$defs/${name}` }, value);
  }

  /** Every problem in recorded exchanges. */
  validateExchanges(exchanges: GoogleExchange[]): string[] {
    const problems: string[] = [];
    for (const e of exchanges) {
      if (e.leg === 'session') {
        // A session leg answers 308 (more to come) or, at the end, the method's resource.
        if (!e.methodId) problems.push(`${e.method} ${e.path}: a session leg without its method`);
        else if (e.status === 200 || e.status === 201 || e.status >= 400) problems.push(...this.validateResponse(this.method(e.methodId), e.status, e.response));
        continue;
      }
      const found = this.find(e.method, e.path);
      if (!found) {
        problems.push(`${e.method} ${e.path}: not a method of the discovery document`);
        continue;
      }
      problems.push(...this.validateQuery(found, e.query));
      const resumableStart = found.upload !== null && e.query.some(([k, v]) => k === 'uploadType' && v === 'resumable');
      // A media upload's body is the bytes (or, starting a resumable session, the metadata).
      if (found.upload === null || resumableStart) problems.push(...this.validateBody(found.method, e.body, e.query));
      if (resumableStart && e.status < 300) {
        // The session starts: 200 with its URI in Location, no resource yet.
        if (!e.headers['location']) problems.push(`${found.method.id}: a resumable session started without a Location`);
        continue;
      }
      problems.push(...this.validateResponse(found.method, e.status, e.response));
    }
    return problems;
  }
}

let youtube: DiscoveryValidator | null = null;
/** The YouTube Data API v3 discovery document (loaded once per test file). */
export function youtubeDiscovery(): DiscoveryValidator {
  youtube ??= new DiscoveryValidator('youtube-v3-discovery.json');
  return youtube;
}
