import { OpenApiValidator } from './openapi';

let spec: OpenApiValidator | null = null;

/**
 * OpenAPI 3.0 writes "or null" as `nullable: true`, which Ajv reads only beside a `type`; where the
 * description puts it beside an `allOf` or `$ref` (Pin.creative_type, ...), it becomes the JSON
 * Schema it means: that schema, or null.
 */
function nullableWithoutType(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableWithoutType);
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  for (const value of Object.values(o)) nullableWithoutType(value);
  if (o['nullable'] === true && o['type'] === undefined) {
    const inner: Record<string, unknown> = {};
    for (const key of ['allOf', '$ref', 'oneOf', 'anyOf', 'properties', 'items', 'enum']) {
      if (key in o) {
        inner[key] = o[key];
        delete o[key];
      }
    }
    delete o['nullable'];
    o['anyOf'] = [inner, { type: 'null' }];
  }
}

/**
 * Pinterest API v5's own description (pinterest/api-description, v5.23), loaded once per test file.
 * Errors any call can meet (an expired token, a rate limit, a server error) are answered as the
 * documented Pinterest.Lib.Error where an operation does not list the status itself.
 */
export function pinterestSpec(): OpenApiValidator {
  spec ??= new OpenApiValidator('pinterest-v5-openapi.json', nullableWithoutType, { statuses: [401, 403, 404, 429, 500, 503], schema: 'Pinterest.Lib.Error' });
  return spec;
}
