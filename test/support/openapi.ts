import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';

/**
 * Checks requests and answers against the platforms' published API descriptions in
 * ../shared/specs (beside the clone in CI), so neither our adapters nor our fakes can drift from
 * the documented shapes.
 */

const here = dirname(fileURLToPath(import.meta.url));
/** Where the API descriptions live: `../shared/specs` relative to the repository root. */
export const SPECS_DIR = resolve(here, '..', '..', '..', 'shared', 'specs');

// ajv-formats is CommonJS with a default export; under NodeNext-style interop it may arrive wrapped.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv2020) => Ajv2020;

/** One exchange with a server, as a fake records it. */
export interface Exchange {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Parsed body: JSON, form fields, or multipart fields (files as `{ file: true, ... }`). */
  body: unknown;
  status: number;
  headers: Record<string, string>;
  response: unknown;
}

function loadJson(name: string): unknown {
  return JSON.parse(readFileSync(join(SPECS_DIR, name), 'utf8'));
}

function newAjv(): Ajv2020 {
  // strict: false because OpenAPI documents carry keywords JSON Schema does not know
  // (example, externalDocs, discriminator); validateSchema: false keeps loading fast.
  // inlineRefs: false compiles each component once and shares it (the Mastodon document is large).
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, inlineRefs: false });
  addFormats(ajv);
  ajv.addFormat('iso-639-1', /^[a-z]{2,3}$/);
  ajv.addFormat('scopes', /^[a-z:]+( [a-z:]+)*$/);
  ajv.addFormat('binary', () => true);
  return ajv;
}

function pointer(...segments: string[]): string {
  return segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function formatErrors(where: string, validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${where}${e.instancePath || '/'} ${e.message ?? 'invalid'}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, { $ref?: string; schema?: unknown }> }>;
}

/** A validator over one OpenAPI 3.1 document. */
export class OpenApiValidator {
  private readonly ajv = newAjv();
  private readonly doc: { paths: Record<string, Record<string, OpenApiOperation>>; components?: { headers?: Record<string, { schema?: unknown }> } };
  private readonly routes: Array<{ template: string; regex: RegExp }>;
  private readonly cache = new Map<string, ValidateFunction>();
  private static readonly ID = 'openapi-doc';

  /**
   * `fix` corrects known defects of the description before use (each says why);
   * `genericErrors` are statuses any operation may answer with the named error schema.
   */
  constructor(
    file: string,
    fix?: (doc: unknown) => void,
    private readonly genericErrors?: { statuses: number[]; schema: string },
  ) {
    this.doc = loadJson(file) as OpenApiValidator['doc'];
    fix?.(this.doc);
    this.ajv.addSchema(this.doc as object, OpenApiValidator.ID);
    this.routes = Object.keys(this.doc.paths)
      .map((template) => ({ template, regex: new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$') }))
      // Literal paths win over templated ones (/api/v1/media/{id} vs a literal sibling).
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  /** The path template a concrete path matches, or null. */
  route(path: string): string | null {
    return this.routes.find((r) => r.regex.test(path))?.template ?? null;
  }

  private operation(method: string, path: string): { template: string; op: OpenApiOperation } | null {
    const template = this.route(path);
    const op = template ? this.doc.paths[template]?.[method.toLowerCase()] : undefined;
    return template && op ? { template, op } : null;
  }

  private compile(ref: string): ValidateFunction {
    let fn = this.cache.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${OpenApiValidator.ID}#/${ref}` });
      this.cache.set(ref, fn);
    }
    return fn;
  }

  /** Problems with a request body (empty when it matches the documented schema). */
  validateRequest(method: string, path: string, body: unknown, contentType = 'application/json'): string[] {
    const found = this.operation(method, path);
    if (!found) return [`${method} ${path}: not a documented operation`];
    const content = found.op.requestBody?.content;
    if (!content) return [];
    // Mastodon documents form and JSON bodies with the same fields; use whichever is described.
    const media = content[contentType] ? contentType : content['application/json'] ? 'application/json' : Object.keys(content)[0];
    if (!media || !content[media]?.schema) return [];
    const validate = this.compile(pointer('paths', found.template, method.toLowerCase(), 'requestBody', 'content', media, 'schema'));
    return validate(body) ? [] : formatErrors(`${method} ${path} request`, validate);
  }

  /** Problems with a response (status documented, body and documented headers match). */
  validateResponse(method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}): string[] {
    const found = this.operation(method, path);
    if (!found) return [`${method} ${path}: not a documented operation`];
    // OAuth's authorize step answers with a redirect to the client (RFC 6749 §4.1.2), not a document.
    if (status >= 300 && status < 400 && path.endsWith('/oauth/authorize')) return [];
    const response = found.op.responses?.[String(status)];
    if (!response) {
      // Errors any authenticated call can meet (a token lacking the scope, an overloaded server)
      // are not repeated on every operation; they still must be the documented Error entity.
      if (this.genericErrors?.statuses.includes(status)) {
        const validate = this.compile(pointer('components', 'schemas', this.genericErrors.schema));
        return validate(body) ? [] : formatErrors(`${method} ${path} ${status} response`, validate);
      }
      return [`${method} ${path}: status ${status} is not documented`];
    }
    const problems: string[] = [];
    const schema = response.content?.['application/json']?.schema;
    if (schema) {
      const validate = this.compile(pointer('paths', found.template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema'));
      if (!validate(body)) problems.push(...formatErrors(`${method} ${path} ${status} response`, validate));
    }
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) continue;
      const ref = header.$ref ? header.$ref.replace(/^#\//, '') : pointer('paths', found.template, method.toLowerCase(), 'responses', String(status), 'headers', name);
      const validate = this.compile(`${ref}/schema`);
      // Header values travel as text; numbers are numbers once read.
      const typed = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      if (!validate(typed) && !validate(value)) problems.push(...formatErrors(`${method} ${path} header ${name}`, validate));
    }
    return problems;
  }

  /** Validates a schema by name under components/schemas. */
  validateEntity(name: string, value: unknown): string[] {
    const validate = this.compile(pointer('components', 'schemas', name));
    return validate(value) ? [] : formatErrors(name, validate);
  }

  /** Every problem in a list of recorded exchanges (request and answer). */
  validateExchanges(exchanges: Exchange[], options: { skip?: (e: Exchange) => boolean } = {}): string[] {
    const problems: string[] = [];
    for (const e of exchanges) {
      if (options.skip?.(e)) continue;
      if (e.method !== 'GET' && e.method !== 'DELETE' && e.body !== undefined) problems.push(...this.validateRequest(e.method, e.path, e.body, e.headers['content-type']?.split(';')[0]));
      problems.push(...this.validateResponse(e.method, e.path, e.status, e.response, e.headers));
    }
    return problems;
  }
}

let mastodon: OpenApiValidator | null = null;
/** The Mastodon REST API description (loaded once per test file). */
export function mastodonSpec(): OpenApiValidator {
  mastodon ??= new OpenApiValidator('mastodon-openapi.json', (doc) => {
    // The description says a status body is oneOf text / media / poll, but a status with text
    // and media (or text and a poll) matches two of them; the docs mean "at least one".
    const paths = (doc as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> }).paths;
    const schema = paths['/api/v1/statuses']?.['post']?.requestBody?.content['application/json']?.schema;
    if (schema?.['oneOf']) {
      schema['anyOf'] = schema['oneOf'];
      delete schema['oneOf'];
    }
    // The token body lists `code` and `redirect_uri` as required, but the docs (and RFC 6749 §4.4)
    // need them only for the authorization_code grant, not for client_credentials.
    const token = paths['/oauth/token']?.['post']?.requestBody?.content['application/json']?.schema;
    if (Array.isArray(token?.['required'])) token['required'] = ['client_id', 'client_secret', 'grant_type'];
  }, { statuses: [403, 500, 502, 503], schema: 'Error' });
  return mastodon;
}

// ---------------------------------------------------------------------------------------------
// Telegram: the description lists methods and types with fields; we turn it into JSON Schema.

interface TgField {
  name: string;
  types: string[];
  required: boolean;
}
interface TgEntry {
  name: string;
  fields?: TgField[];
  subtypes?: string[];
  returns?: string[];
}
interface TgDoc {
  methods: Record<string, TgEntry>;
  types: Record<string, TgEntry>;
}

/** The id under which the Bot API types are registered once and shared by every method's schema. */
const TG_ID = 'telegram-bot-api';

function tgTypeSchema(type: string): Record<string, unknown> {
  if (type.startsWith('Array of ')) return { type: 'array', items: tgTypeSchema(type.slice('Array of '.length)) };
  switch (type) {
    case 'Integer':
      return { type: 'integer' };
    case 'Float':
      return { type: 'number' };
    case 'String':
      return { type: 'string' };
    case 'Boolean':
      return { type: 'boolean' };
    case 'True':
      return { const: true };
    case 'InputFile':
      // A file part of a multipart request: the fakes record it as { file: true, ... }.
      return { type: 'object', required: ['file'], properties: { file: { const: true } } };
    default:
      return { $ref: `${TG_ID}#/$defs/${type}` };
  }
}

function tgFieldsSchema(fields: TgField[] | undefined): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const f of fields ?? []) {
    const options = f.types.map((t) => tgTypeSchema(t));
    properties[f.name] = options.length === 1 ? options[0] : { anyOf: options };
  }
  return { type: 'object', properties, required: (fields ?? []).filter((f) => f.required).map((f) => f.name) };
}

/** The Telegram Bot API description as request and response validators. */
export class TelegramSpec {
  readonly doc: TgDoc;
  private readonly ajv = newAjv();
  private readonly defs: Record<string, unknown> = {};
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.doc = loadJson('telegram-botapi-methods-types.json') as TgDoc;
    for (const [name, t] of Object.entries(this.doc.types)) {
      this.defs[name] = t.subtypes?.length ? { anyOf: t.subtypes.map((s) => tgTypeSchema(s)) } : tgFieldsSchema(t.fields);
    }
    this.ajv.addSchema({ $id: TG_ID, $defs: this.defs });
  }

  /** The declared types of a method's parameter (e.g. ['Integer', 'String']), or null. */
  paramTypes(method: string, param: string): string[] | null {
    return this.doc.methods[method]?.fields?.find((f) => f.name === param)?.types ?? null;
  }

  /**
   * Reads form or multipart fields the way the Bot API does: values whose declared type is not a
   * string (numbers, booleans, JSON-serialized objects and arrays) are parsed from their text.
   */
  parseParams(method: string, raw: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const types = this.paramTypes(method, key) ?? [];
      if (typeof value !== 'string' || types.includes('String')) {
        out[key] = value;
        continue;
      }
      if (types.includes('Integer') || types.includes('Float')) out[key] = Number(value);
      else if (types.includes('Boolean')) out[key] = value === 'true' ? true : value === 'false' ? false : value;
      else {
        try {
          out[key] = JSON.parse(value);
        } catch {
          out[key] = value;
        }
      }
    }
    return out;
  }

  private compile(key: string, schema: Record<string, unknown>): ValidateFunction {
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.cache.set(key, fn);
    }
    return fn;
  }

  /** Problems with a method's parameters (empty when they match the reference). */
  validateRequest(method: string, params: unknown): string[] {
    const m = this.doc.methods[method];
    if (!m) return [`${method}: not a Bot API method`];
    const validate = this.compile(`req:${method}`, tgFieldsSchema(m.fields));
    const problems = validate(params) ? [] : formatErrors(`${method} request`, validate);
    // The reference lists every parameter: anything else is a typo the real server would ignore.
    for (const key of Object.keys((params as Record<string, unknown>) ?? {})) {
      if (!m.fields?.some((f) => f.name === key)) problems.push(`${method} request: unknown parameter ${key}`);
    }
    return problems;
  }

  /** Problems with an answer: the `{ ok, result }` / `{ ok: false, error_code, description }` envelope. */
  validateResponse(method: string, body: unknown): string[] {
    const m = this.doc.methods[method];
    if (!m) return [`${method}: not a Bot API method`];
    const returns = (m.returns ?? []).map((t) => tgTypeSchema(t));
    const schema = {
      oneOf: [
        { type: 'object', required: ['ok', 'result'], properties: { ok: { const: true }, result: returns.length === 1 ? returns[0] : { anyOf: returns } } },
        {
          type: 'object',
          required: ['ok', 'error_code', 'description'],
          properties: { ok: { const: false }, error_code: { type: 'integer' }, description: { type: 'string' }, parameters: { $ref: `${TG_ID}#/$defs/ResponseParameters` } },
        },
      ],
    };
    const validate = this.compile(`res:${method}`, schema);
    return validate(body) ? [] : formatErrors(`${method} response`, validate);
  }

  /** Every problem in recorded Bot API exchanges (path `/bot<token>/<method>`). */
  validateExchanges(exchanges: Exchange[]): string[] {
    const problems: string[] = [];
    for (const e of exchanges) {
      const method = e.path.split('/').pop() ?? '';
      problems.push(...this.validateRequest(method, e.body ?? {}), ...this.validateResponse(method, e.response));
    }
    return problems;
  }
}

let telegram: TelegramSpec | null = null;
/** The Telegram Bot API description (loaded once per test file). */
export function telegramSpec(): TelegramSpec {
  telegram ??= new TelegramSpec();
  return telegram;
}
