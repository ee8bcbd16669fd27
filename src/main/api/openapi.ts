import { z } from 'zod';
import {
  accountList,
  accountObject,
  createLabelBody,
  createPostBody,
  errorObject,
  labelList,
  labelObject,
  listPostsQuery,
  mediaInput,
  mediaObject,
  platformResult,
  postList,
  postObject,
  queueObject,
  targetSettingsInput,
  updateAccountBody,
  updatePostBody,
  validatePostBody,
  validationObject,
} from './schemas';

/** An OpenAPI 3.1 document (only the parts this file writes are typed). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  security: Array<Record<string, string[]>>;
}

const REF = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Generates component schemas from zod; the same schemas the server parses and answers with. */
function componentSchemas(): Record<string, unknown> {
  // Requests are described as callers write them (defaults optional), answers as they come out.
  const requests = z.registry<{ id: string }>();
  requests.add(createPostBody, { id: 'CreatePostRequest' });
  requests.add(updatePostBody, { id: 'UpdatePostRequest' });
  requests.add(mediaInput, { id: 'MediaInput' });
  requests.add(targetSettingsInput, { id: 'TargetSettingsInput' });
  requests.add(validatePostBody, { id: 'ValidatePostRequest' });
  requests.add(updateAccountBody, { id: 'UpdateAccountRequest' });
  requests.add(createLabelBody, { id: 'CreateLabelRequest' });
  const responses = z.registry<{ id: string }>();
  responses.add(postObject, { id: 'Post' });
  responses.add(postList, { id: 'PostList' });
  responses.add(platformResult, { id: 'PlatformResult' });
  responses.add(accountObject, { id: 'Account' });
  responses.add(accountList, { id: 'AccountList' });
  responses.add(mediaObject, { id: 'Media' });
  responses.add(errorObject, { id: 'Error' });
  responses.add(validationObject, { id: 'Validation' });
  responses.add(labelObject, { id: 'Label' });
  responses.add(labelList, { id: 'LabelList' });
  responses.add(queueObject, { id: 'Queue' });
  const uri = (id: string) => `#/components/schemas/${id}`;
  const out: Record<string, unknown> = {};
  for (const [registry, io] of [
    [requests, 'input'],
    [responses, 'output'],
  ] as const) {
    const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri, unrepresentable: 'any' });
    for (const [id, schema] of Object.entries(schemas)) out[id] = clean(schema);
  }
  return out;
}

/** Drops the keywords a standalone JSON Schema carries but an embedded OpenAPI component must not. */
function clean(schema: object): object {
  const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
  return rest;
}

function queryParameters(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => {
    const json = clean(z.toJSONSchema(field as z.ZodType, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' })) as Record<string, unknown>;
    return { name, in: 'query', required: false, schema: json, ...(json.description ? { description: json.description } : {}) };
  });
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request: the body is not JSON, or not sent as application/json.',
  401: 'Missing or invalid token.',
  403: 'Wrong Host header, or an Origin header (requests from web pages are refused).',
  404: 'No such post, account, label or media item (or route).',
  405: 'This method is not allowed here (see the Allow header).',
  409: 'The post is in a state that does not allow this (publishing, published), or a label name is taken.',
  413: 'The body, or a media file it names, is too large.',
  422: 'Invalid input: `error.details.issues` names each field.',
  429: 'Too many requests; see the Retry-After header.',
  500: 'Something went wrong in Outbox.',
  503: 'Outbox is offline.',
};

/**
 * Error answers of an operation: those of every request, those the engine may answer to any
 * channel (its error codes map to 404, 409, 422, 429, 500, 503), plus the operation's own.
 */
function errors(...statuses: number[]) {
  const out: Record<string, unknown> = {};
  for (const status of [...new Set([401, 403, 404, 405, 409, 422, 429, 500, 503, ...statuses])].sort()) {
    out[String(status)] = { description: ERROR_TEXT[status], content: { 'application/json': { schema: REF('Error') } } };
  }
  return out;
}

function json(description: string, id: string) {
  return { description, content: { 'application/json': { schema: REF(id) } } };
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 } };

function body(id: string) {
  return { required: true, content: { 'application/json': { schema: REF(id) } } };
}

let cached: Omit<OpenApiDocument, 'servers'> | null = null;

/**
 * The API described as OpenAPI 3.1. Schemas come from the zod schemas in schemas.ts; paths list
 * what server.ts routes. `serverUrl` is where the caller reached it.
 */
export function openApiDocument(serverUrl: string): OpenApiDocument {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Outbox local automation API',
      version: '1.0.0',
      description:
        "Outbox's posts, over REST on 127.0.0.1, in the shapes of Octopost's Posts API (X is `twitter`, errors are `{ error, code, details? }`), with Outbox's extensions: threads, labels, per-platform and per-account settings, repeats, the queue, publish-now, duplicate, validation and accounts' `active`. Every request needs `Authorization: Bearer <token>` (Settings, Automation API).",
    },
    paths: {
      '/v1/posts': {
        get: {
          operationId: 'listPosts',
          summary: 'List posts in schedule order (drafts first)',
          parameters: queryParameters(listPostsQuery),
          responses: { '200': json('A page of posts', 'PostList'), ...errors() },
        },
        post: {
          operationId: 'createPost',
          summary: 'Create a draft, a scheduled post, a queued post, or one published at once (`schedule_type`)',
          requestBody: body('CreatePostRequest'),
          responses: { '201': json('The new post', 'Post'), ...errors(400, 413) },
        },
      },
      '/v1/posts/validate': {
        post: {
          operationId: 'validatePost',
          summary: "Check a post against each account's platform rules without saving anything",
          requestBody: body('ValidatePostRequest'),
          responses: { '200': json('What each account would say', 'Validation'), ...errors(400, 413) },
        },
      },
      '/v1/posts/{id}': {
        parameters: [idParameter],
        get: { operationId: 'getPost', summary: 'One post', responses: { '200': json('The post', 'Post'), ...errors() } },
        put: {
          operationId: 'updatePost',
          summary: 'Change content, segments, platforms, accounts, settings, labels, repeat, schedule or media',
          requestBody: body('UpdatePostRequest'),
          responses: { '200': json('The updated post', 'Post'), ...errors(400, 413) },
        },
        delete: { operationId: 'deletePost', summary: 'Delete a post', responses: { '204': { description: 'Deleted' }, ...errors() } },
      },
      '/v1/posts/{id}/publish': {
        parameters: [idParameter],
        post: {
          operationId: 'publishPost',
          summary: 'Publish now',
          responses: { '200': json('The post, now publishing', 'Post'), ...errors() },
        },
      },
      '/v1/posts/{id}/duplicate': {
        parameters: [idParameter],
        post: {
          operationId: 'duplicatePost',
          summary: 'Copy a post (content, accounts, settings, labels, repeat) as a new draft',
          responses: { '201': json('The copy, a draft', 'Post'), ...errors() },
        },
      },
      '/v1/accounts': {
        get: { operationId: 'listAccounts', summary: 'Connected accounts (ids for `accounts`)', responses: { '200': json('The accounts', 'AccountList'), ...errors() } },
      },
      '/v1/accounts/{id}': {
        parameters: [idParameter],
        get: { operationId: 'getAccount', summary: 'One account', responses: { '200': json('The account', 'Account'), ...errors() } },
        put: {
          operationId: 'updateAccount',
          summary: 'Turn an account on or off (`active`)',
          requestBody: body('UpdateAccountRequest'),
          responses: { '200': json('The account', 'Account'), ...errors(400) },
        },
      },
      '/v1/labels': {
        get: { operationId: 'listLabels', summary: 'Labels (ids or names go in `labels`)', responses: { '200': json('The labels', 'LabelList'), ...errors() } },
        post: { operationId: 'createLabel', summary: 'Create a label', requestBody: body('CreateLabelRequest'), responses: { '201': json('The label', 'Label'), ...errors(400) } },
      },
      '/v1/queue': {
        get: { operationId: 'getQueue', summary: 'The weekly queue slots and the next free one', responses: { '200': json('The queue', 'Queue'), ...errors() } },
      },
      '/v1/media/{id}': {
        parameters: [idParameter],
        get: { operationId: 'getMedia', summary: 'A file in the media library', responses: { '200': json('The media item', 'Media'), ...errors() } },
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors() },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The personal access token from Settings, Automation API.' } },
    },
    security: [{ bearerAuth: [] }],
  };
  return { ...cached, servers: [{ url: serverUrl }] };
}
