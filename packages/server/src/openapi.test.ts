import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-kit.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe('/openapi.json', () => {
  it('is served without credentials as an OpenAPI 3.1 document', async () => {
    const res = await t.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.info).toMatchObject({ title: 'Hotline API', version: expect.any(String) });
    expect(res.body.components.securitySchemes).toHaveProperty('bearer');
    expect(res.body.components.securitySchemes).toHaveProperty('apiKey');
  });

  it('passes the OpenAPI 3.1 schema validator', async () => {
    const result = await new Validator().validate(
      structuredClone(t.server.openapi) as Parameters<Validator['validate']>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every registered route with its parameters, body and action', async () => {
    const { paths } = (await t.call('GET', '/openapi.json')).body;
    expect(t.server.routes.length).toBeGreaterThanOrEqual(25);
    const operationIds = new Set<string>();
    for (const route of t.server.routes) {
      const operation = paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      expect(operation['x-hotline-action']).toBe(route.action);
      operationIds.add(operation.operationId);
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        const param = operation.parameters.find((p: { name: string; in: string }) => `{${p.name}}` === name);
        expect(param, `${route.path} ${name}`).toMatchObject({ in: 'path', required: true });
      }
      if (route.body) expect(operation.requestBody.content['application/json'].schema).toBeTypeOf('object');
    }
    expect(operationIds.size).toBe(t.server.routes.length);
    const documented = Object.values(paths).reduce((n: number, item) => n + Object.keys(item as object).length, 0);
    expect(documented).toBe(t.server.routes.length);
  });

  it('derives bodies from the zod schemas (required fields, enums)', () => {
    // biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
    const doc = t.server.openapi as any;
    const body = (path: string, method = 'post') =>
      doc.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('/api/v1/canned-responses').required).toEqual(expect.arrayContaining(['shortcut', 'title', 'text']));
    // subject and requesterId are required unless conversationId is given: a check the server makes.
    expect(Object.keys(body('/api/v1/tickets').properties)).toEqual(
      expect.arrayContaining(['subject', 'requesterId', 'conversationId']),
    );
    expect(body('/api/v1/workflows', 'put').properties.filters.items.required).toEqual(
      expect.arrayContaining(['name', 'expression', 'queueId']),
    );
    // The softphone's call events: served with or without the voice bridge configured.
    const callEvent = body('/api/v1/conversations/{conversationId}/call-events');
    expect(callEvent.required).toEqual(expect.arrayContaining(['eventId', 'event']));
    expect(callEvent.properties.event.enum).toEqual(['held', 'resumed', 'muted', 'unmuted', 'transferred']);
    const priorities = body('/api/v1/tickets').properties.priority.enum;
    expect(priorities).toEqual(['low', 'normal', 'high', 'urgent']);
    const list = doc.paths['/api/v1/conversations'].get.parameters;
    expect(list.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'limit', 'cursor']));
  });
});
