import { ERROR_CODES } from '@hotline/core';
import { z } from 'zod';
import type { AnyRoute } from '../http/route.js';

/** A JSON Schema or OpenAPI object, as plain JSON. */
export type Json = Record<string, unknown>;

/** Title, version and servers of the generated document. */
export interface OpenApiInfo {
  /** @default 'Hotline API' */
  title?: string;
  /** @default '0.1.0' */
  version?: string;
  /** e.g. `[{ url: 'https://support.example.com' }]`. @default [] */
  servers?: readonly { url: string; description?: string }[];
}

/**
 * JSON Schema (2020-12, the dialect of OpenAPI 3.1) of a zod schema. Checks that JSON
 * Schema cannot say (refinements, custom validators) become `{}`: the server still
 * enforces them and answers 400 with the issues.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as Json;
  return rest;
}

function parameters(route: AnyRoute): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, 'input');
    const properties = (object.properties ?? {}) as Record<string, Json>;
    const required = new Set((object.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
    }
  }
  return out;
}

const ERROR_BODY: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', enum: Object.values(ERROR_CODES) },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

const errorResponse = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operation(route: AnyRoute): Json {
  const status = String(route.status ?? 200);
  const success: Json =
    route.status === 204
      ? { description: 'Done (no content)' }
      : {
          description: 'Success',
          ...(route.response
            ? { content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } }
            : {}),
        };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    'x-hotline-action': route.action,
    parameters: parameters(route),
    ...(route.body
      ? {
          requestBody: {
            // A body the route accepts empty (`/end` without a disposition) is optional.
            required: !route.body.safeParse(undefined).success,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [status]: success,
      '400': errorResponse('Invalid input (VALIDATION_FAILED, with details.issues)'),
      '401': errorResponse('Not authenticated (UNAUTHENTICATED)'),
      '403': errorResponse('Not allowed (FORBIDDEN) or another tenant (TENANT_MISMATCH)'),
      '404': errorResponse('Not found in the caller’s tenant (NOT_FOUND)'),
      '409': errorResponse('Version conflict, duplicate or illegal transition'),
      default: errorResponse('Any other error, with its code'),
    },
  };
}

/**
 * Builds the OpenAPI 3.1 document of the REST API from its route table: paths,
 * parameters and bodies from the routes' zod schemas, bearer (JWT) and API-key security,
 * and the `{ error }` body of every failure.
 */
export function buildOpenApiDocument(routes: readonly AnyRoute[], info: OpenApiInfo = {}): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'Hotline API',
      version: info.version ?? '0.1.0',
      description: 'The REST API of a Hotline server. Every request is scoped to the tenant of its credentials.',
    },
    servers: [...(info.servers ?? [])],
    security: [{ bearer: [] }, { apiKey: [] }],
    tags: [...new Set(routes.map((route) => route.tag))].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
      schemas: { Error: ERROR_BODY },
    },
  };
}
