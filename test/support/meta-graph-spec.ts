// Checks Graph API exchanges against Meta's own node descriptions in ../shared/specs/meta-graph
// (facebook/facebook-business-sdk-codegen's api_specs: `{ apis: [{ method, endpoint, params:
// [{ name, required, type }] }], fields: [{ name, type }] }`, with enums in enum_types.json).
// For each exchange the fake recorded with its node and edge:
//   - the request: the operation is documented, every parameter sent is a documented one of the
//     right type (bool, unsigned int, datetime, list<...>, enums by their values, files as
//     multipart files), required ones present; `fields` asked for are fields of the node read;
//   - the answer of a read: every field returned is documented, with a JSON type that fits.
// The IG Container node has no description in the codegen; its fields are those of the reference
// page (developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetaExchange, SpecRef } from '../fakes/meta-graph';
import { SPECS_DIR } from './openapi';

interface Param {
  name: string;
  required: boolean;
  type: string;
}
interface NodeSpec {
  apis: Array<{ method: string; endpoint: string; return?: string; params: Param[] }>;
  fields: Array<{ name: string; type: string }>;
}

const DIR = join(SPECS_DIR, 'meta-graph');
/** Parameters every Graph call may carry (authentication, field selection, paging). */
const GENERIC = new Set(['access_token', 'appsecret_proof', 'fields', 'limit', 'after', 'before', 'since', 'until', 'pretty', 'suppress_http_code']);
/** Return types whose fields the specs describe, by the file that describes them. */
const RETURN_FILES: Record<string, string> = { PagePost: 'PagePost', Photo: 'Photo', AdVideo: 'AdVideo', IGMedia: 'IGMedia', Media: 'IGMediaForIGOnlyAPI', IGUser: 'IGUser', User: 'IGUserForIGOnlyAPI' };
/**
 * File parameters the codegen leaves out (it models uploads apart): the Page Photos reference
 * documents the photo as the multipart `source` (developers.facebook.com/docs/graph-api/reference/page/photos/).
 */
const EXTRA_PARAMS: Record<string, Param[]> = { 'POST Page/photos': [{ name: 'source', required: false, type: 'file' }] };
const CONTAINER_FIELDS: NodeSpec['fields'] = [
  { name: 'id', type: 'string' },
  { name: 'status', type: 'string' },
  { name: 'status_code', type: 'string' },
  { name: 'copyright_check_status', type: 'Object' },
];

export class MetaGraphSpec {
  private readonly nodes = new Map<string, NodeSpec>();
  private readonly enums = new Map<string, string[]>();

  constructor() {
    for (const file of ['Page', 'PagePost', 'Photo', 'AdVideo', 'IGUser', 'IGUserForIGOnlyAPI', 'IGMedia', 'IGMediaForIGOnlyAPI']) {
      this.nodes.set(file, JSON.parse(readFileSync(join(DIR, `${file}.json`), 'utf8')) as NodeSpec);
    }
    this.nodes.set('IGContainer', { apis: [{ method: 'GET', endpoint: '', params: [] }], fields: CONTAINER_FIELDS });
    for (const e of JSON.parse(readFileSync(join(DIR, 'enum_types.json'), 'utf8')) as Array<{ name: string; values: string[] }>) this.enums.set(e.name, e.values);
  }

  private node(name: string): NodeSpec {
    const spec = this.nodes.get(name);
    if (!spec) throw new Error(`no description for ${name}`);
    return spec;
  }

  /** Whether a value fits a documented parameter type. */
  private fits(type: string, value: unknown, isFile: boolean): boolean {
    if (type === 'file') return isFile;
    if (isFile) return false;
    const s = typeof value === 'string' ? value : null;
    if (type === 'string') return typeof value === 'string';
    if (type === 'bool') return typeof value === 'boolean' || s === 'true' || s === 'false';
    if (type === 'unsigned int') return (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (s !== null && /^\d+$/.test(s));
    if (type === 'int') return (typeof value === 'number' && Number.isInteger(value)) || (s !== null && /^-?\d+$/.test(s));
    if (type === 'float') return typeof value === 'number' || (s !== null && s !== '' && Number.isFinite(Number(s)));
    if (type === 'datetime') return (typeof value === 'number' && value > 0) || (s !== null && (/^\d+$/.test(s) || !Number.isNaN(Date.parse(s))));
    if (type.startsWith('list')) {
      let list: unknown = value;
      if (s !== null) {
        try {
          list = JSON.parse(s);
        } catch {
          // Graph also takes comma-separated lists of plain values.
          list = s.split(',');
        }
      }
      if (!Array.isArray(list)) list = typeof list === 'object' && list !== null ? Object.values(list) : null;
      if (!Array.isArray(list)) return false;
      const inner = /^list<(.+)>$/.exec(type)?.[1];
      return inner ? list.every((item) => this.fits(inner, typeof item === 'object' ? JSON.stringify(item) : item, false) || (inner === 'Object' || inner.startsWith('map'))) : true;
    }
    if (type === 'Object' || type.startsWith('map')) {
      if (typeof value === 'object' && value !== null) return true;
      try {
        return typeof JSON.parse(s ?? '') === 'object';
      } catch {
        return false;
      }
    }
    const values = this.enums.get(type);
    // Graph reads enum values in any case (the reels guide writes upload_phase=start for START).
    if (values) return s !== null && values.some((v) => v.toLowerCase() === s.toLowerCase());
    // A node id (e.g. an album) or a type the descriptions do not spell out: any string.
    return s !== null;
  }

  /** Whether a returned JSON value fits a documented field type. */
  private returns(type: string, value: unknown): boolean {
    if (value === null) return true;
    if (['string', 'id'].includes(type)) return typeof value === 'string';
    if (type === 'bool') return typeof value === 'boolean';
    if (['int', 'unsigned int', 'float', 'int32', 'unsigned int32', 'long'].includes(type)) return typeof value === 'number';
    if (type === 'datetime') return typeof value === 'string' && !Number.isNaN(Date.parse(value.replace(/\+0000$/, 'Z')));
    if (type.startsWith('list')) return Array.isArray(value);
    if (this.enums.has(type)) return typeof value === 'string';
    return typeof value === 'object';
  }

  /** Problems with one exchange (empty when it matches the descriptions). */
  validate(e: MetaExchange): string[] {
    if (!e.spec) return [];
    const where = `${e.method} ${e.path}`;
    const { node, edge } = e.spec as SpecRef;
    const spec = this.node(node);
    const api = spec.apis.find((a) => a.method === e.method && (a.endpoint ?? '') === edge);
    if (!api) return [`${where}: ${e.method} ${node}/${edge} is not a documented operation`];
    const problems: string[] = [];
    const files = new Set(e.files.map((f) => f.field));
    const sent = { ...e.params };
    for (const f of files) sent[f] = true;
    for (const [name, value] of Object.entries(sent)) {
      if (GENERIC.has(name)) continue;
      const param = [...api.params, ...(EXTRA_PARAMS[`${e.method} ${node}/${edge}`] ?? [])].find((p) => p.name === name);
      if (!param) {
        problems.push(`${where}: ${name} is not a parameter of ${e.method} ${node}/${edge}`);
        continue;
      }
      if (!this.fits(param.type, value, files.has(name))) problems.push(`${where}: ${name}=${JSON.stringify(value)} is not a ${param.type}`);
    }
    for (const p of api.params) if (p.required && !(p.name in sent)) problems.push(`${where}: required ${p.name} is missing`);

    // Reads: the fields asked for and the fields answered belong to the node (or the edge's return type).
    if (e.method === 'GET') {
      const described = edge === '' ? spec : RETURN_FILES[api.return ?? ''] ? this.node(RETURN_FILES[api.return!]!) : null;
      if (described) {
        const known = new Map(described.fields.map((f) => [f.name, f.type]));
        // Field expansion also names the node's edges (picture{url}).
        const edges = new Set(described.apis.filter((a) => a.method === 'GET' && a.endpoint).map((a) => a.endpoint));
        for (const f of String(e.params['fields'] ?? '').split(',').map((x) => x.trim().replace(/\{.*$/, '')).filter(Boolean)) {
          if (!known.has(f) && !edges.has(f)) problems.push(`${where}: ${f} is not a field of ${node}${edge ? `/${edge}` : ''}`);
        }
        if (e.status === 200) {
          const body = e.response as Record<string, unknown>;
          const items = edge === '' ? [body] : Array.isArray(body['data']) ? (body['data'] as Array<Record<string, unknown>>) : [];
          for (const item of items) {
            for (const [k, v] of Object.entries(item)) {
              const type = known.get(k);
              if (!type && edges.has(k)) continue;
              if (!type) problems.push(`${where}: the answer's ${k} is not a documented field`);
              else if (!this.returns(type, v)) problems.push(`${where}: the answer's ${k}=${JSON.stringify(v)} is not a ${type}`);
            }
          }
        }
      }
    }
    return problems;
  }

  /** Every problem in a list of exchanges. */
  validateExchanges(exchanges: MetaExchange[]): string[] {
    return exchanges.flatMap((e) => this.validate(e));
  }
}

let shared: MetaGraphSpec | null = null;
/** Meta's node descriptions (loaded once per test file). */
export function metaGraphSpec(): MetaGraphSpec {
  shared ??= new MetaGraphSpec();
  return shared;
}
