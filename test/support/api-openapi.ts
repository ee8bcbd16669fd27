import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { ApiAnswer } from './api-fixture';

// ajv-formats is CommonJS with a default export; under NodeNext-style interop it may arrive wrapped.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv2020) => Ajv2020;

/** One request the test made and what it answered. */
export interface RecordedAnswer {
  method: string;
  path: string;
  answer: ApiAnswer;
}

interface Doc {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema: object }> }> }>>;
}

/** Finds the documented operation for a concrete path (`/v1/posts/abc` -> `/v1/posts/{id}`). */
function operationFor(doc: Doc, method: string, path: string) {
  const bare = path.split('?')[0]!;
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(bare)) return { template, operation: item[method.toLowerCase()] };
  }
  return { template: null, operation: undefined };
}

/**
 * Checks every recorded answer against the served OpenAPI document: the route and the status must
 * be documented, and the JSON body must validate against the documented schema (JSON Schema
 * 2020-12, formats included). Returns one line per problem; empty means all conform.
 */
export function checkAnswers(document: unknown, answers: RecordedAnswer[]): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document as object, 'openapi.json');
  const doc = document as Doc;
  const problems: string[] = [];
  const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();
  const validate = (ref: string, value: unknown) => {
    let fn = compiled.get(ref);
    if (!fn) compiled.set(ref, (fn = ajv.compile({ $ref: ref })));
    return fn(value) ? null : ajv.errorsText(fn.errors, { separator: '; ' });
  };
  for (const { method, path, answer } of answers) {
    const where = `${method} ${path} -> ${answer.status}`;
    const { template, operation } = operationFor(doc, method, path);
    if (!template || !operation) {
      // Unknown routes answer 404/405 with the Error schema; nothing documents them per path.
      if (answer.status === 404 || answer.status === 405) {
        const error = validate('openapi.json#/components/schemas/Error', answer.body);
        if (error) problems.push(`${where}: ${error}`);
        continue;
      }
      problems.push(`${where}: no such operation in the document`);
      continue;
    }
    const response = operation.responses?.[String(answer.status)];
    if (!response) {
      problems.push(`${where}: status not documented for ${method} ${template}`);
      continue;
    }
    if (!response.content) {
      if (answer.text !== '') problems.push(`${where}: documented without a body but answered ${answer.text.slice(0, 80)}`);
      continue;
    }
    if (!String(answer.headers['content-type'] ?? '').startsWith('application/json')) problems.push(`${where}: not JSON`);
    const pointer = `openapi.json#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${answer.status}/content/application~1json/schema`;
    const error = validate(pointer, answer.body);
    if (error) problems.push(`${where}: ${error}`);
  }
  return problems;
}
