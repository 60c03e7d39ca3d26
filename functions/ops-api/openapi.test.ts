import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { ROLE_DESCRIPTIONS, ROLES } from '../../shared/roles';
import { OPENAPI_FILE, openApiDocument, renderOpenApi } from './openapi';

type Json = Record<string, any>;
const doc = openApiDocument() as Json;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** The ops API routes built so far (README, "Human tasks and the ops API"), plus `GET /me`. */
const CONTRACT_ROUTES = [
  'GET /tasks',
  'GET /tasks/{taskId}',
  'POST /tasks/{taskId}/claim',
  'POST /tasks/{taskId}/release',
  'POST /tasks/{taskId}/complete',
  'GET /flows/{flow}',
  'GET /flows/{flow}/{businessKey}',
  'GET /reports/{name}',
  'GET /listings/{listingId}',
  'GET /skus/{skuId}',
  'GET /members/{memberId}',
  'GET /me',
  'GET /flows',
  'POST /flows/{flow}/{businessKey}/redrive',
  'POST /flows/{flow}/redrive',
  'GET /quarantine',
  'POST /quarantine/{id}/replay',
  'GET /quarantine/dead-letters',
  'POST /quarantine/dead-letters/redrive',
];
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function operations(): Array<[string, string, Json]> {
  return Object.entries(doc.paths as Json).flatMap(([route, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => [method.toUpperCase(), route, op as Json] as [string, string, Json]),
  );
}

/** `GET /reports/{name}` is covered by `/reports/sla`: a `{param}` segment matches any segment. */
function covers(documented: string, contract: string): boolean {
  const [method, route] = contract.split(' ');
  const [docMethod, docRoute] = documented.split(' ');
  const a = route.split('/');
  const b = docRoute.split('/');
  return method === docMethod && a.length === b.length && a.every((segment, i) => segment === b[i] || /^\{.+\}$/.test(segment));
}

function resolve(pointer: string): unknown {
  expect(pointer.startsWith('#/'), pointer).toBe(true);
  return pointer
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
}

function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => refs(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

describe('ops API OpenAPI document', () => {
  it(`is committed up to date in ${OPENAPI_FILE} (run "npm run openapi" when this fails)`, () => {
    const committed = readFileSync(path.join(REPO_ROOT, OPENAPI_FILE), 'utf8');
    expect(committed).toBe(renderOpenApi());
    expect(JSON.parse(committed)).toEqual(doc);
  });

  it('is deterministic: 2-space JSON with a trailing newline, identical on every call', () => {
    expect(renderOpenApi()).toBe(renderOpenApi());
    expect(renderOpenApi()).toBe(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
    expect(renderOpenApi().endsWith('}\n')).toBe(true);
  });

  it('is OpenAPI 3.1 with JSON Schema 2020-12 and bearer JWT security on every route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.components.securitySchemes.cognito).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.security).toEqual([{ cognito: [] }]);
    for (const [method, route, op] of operations()) expect(op.security, `${method} ${route} must not opt out`).toBeUndefined();
  });

  it('documents every route of the contract', () => {
    const documented = operations().map(([method, route]) => `${method} ${route}`);
    for (const route of CONTRACT_ROUTES) expect(documented.some((d) => covers(d, route)), `${route} is missing`).toBe(true);
  });

  it('gives every operation an id, a 200 response and a 401 response with ErrorResponse', () => {
    const ids = new Set<string>();
    for (const [method, route, op] of operations()) {
      const where = `${method} ${route}`;
      expect(op.operationId, where).toMatch(/^[a-zA-Z]+$/);
      expect(ids.has(op.operationId), `${where}: duplicate operationId`).toBe(false);
      ids.add(op.operationId);
      expect(op.responses['200'], where).toBeDefined();
      expect(op.responses['401'], where).toBeDefined();
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (status === '200') continue;
        const resolved = (response as Json).$ref ? (resolve((response as Json).$ref) as Json) : (response as Json);
        expect(resolved.content['application/json'].schema, `${where} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
      }
    }
  });

  it('declares every path parameter of a route', () => {
    for (const [method, route, op] of operations()) {
      const declared = [...(doc.paths[route].parameters ?? []), ...(op.parameters ?? [])].filter((p: Json) => p.in === 'path').map((p: Json) => p.name);
      const inRoute = [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(declared.sort(), `${method} ${route}`).toEqual(inRoute.sort());
    }
  });

  it('has no dangling $ref', () => {
    for (const pointer of refs(doc)) expect(resolve(pointer), pointer).toBeDefined();
  });

  it('requires outcome in the complete body, and the body itself', () => {
    const body = doc.paths['/tasks/{taskId}/complete'].post.requestBody;
    expect(body.required).toBe(true);
    const schema = resolve(body.content['application/json'].schema.$ref) as Json;
    expect(schema.required).toContain('outcome');
    expect(Object.keys(schema.properties).sort()).toEqual(['data', 'outcome', 'reason']);
  });

  it('lists the query filters of GET /tasks and the task states and roles they accept', () => {
    const parameters = doc.paths['/tasks'].get.parameters as Json[];
    expect(parameters.map((p) => p.name)).toEqual(['status', 'kind', 'role', 'businessKey', 'mine', 'limit', 'nextToken']);
    expect(parameters.every((p) => p.in === 'query' && p.required === false)).toBe(true);
    expect(doc.components.schemas.Role.enum).toEqual([...ROLES]);
  });

  it('describes every role', () => {
    for (const role of ROLES) expect(doc.info.description).toContain(`| \`${role}\` | ${ROLE_DESCRIPTIONS[role]} |`);
  });

  describe('component schemas are valid JSON Schema 2020-12 that match the API', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'https://shop.invalid/openapi.json', components: doc.components });
    const validator = (id: string) => {
      const validate = ajv.getSchema(`https://shop.invalid/openapi.json#/components/schemas/${id}`);
      if (!validate) throw new Error(`no schema ${id}`);
      return (value: unknown) => validate(value) as boolean;
    };
    const task = {
      taskId: '01JQ8Z6W3D5V0K2M7N4P9R1S3T',
      kind: 'refund-approval',
      flow: 'refund',
      businessKey: 'R-1001',
      summary: 'Approve a refund of 129.00',
      role: 'aftersales',
      status: 'open',
      dueAt: '2025-03-01T10:00:00.000Z',
      escalationLevel: 0,
    };

    it('accepts well-formed responses', () => {
      expect(validator('ListTasksResponse')({ items: [task], nextToken: 'abc' })).toBe(true);
      expect(validator('TaskDetail')({ ...task, allowedOutcomes: [{ name: 'approve' }, { name: 'reject', reasonRequired: true }], history: [{ type: 'created', actor: 'system', at: task.dueAt }] })).toBe(true);
      expect(validator('MeResponse')({ user: 'alice', roles: [{ role: 'aftersales', description: ROLE_DESCRIPTIONS.aftersales }] })).toBe(true);
      expect(validator('ErrorResponse')({ message: 'body is invalid', errors: [{ field: 'outcome', message: 'outcome is required' }] })).toBe(true);
    });

    it('refuses malformed ones', () => {
      expect(validator('TaskSummary')({ ...task, role: 'admin' })).toBe(false);
      expect(validator('TaskSummary')({ ...task, status: 'done' })).toBe(false);
      expect(validator('CompleteTaskBody')({ reason: 'no outcome' })).toBe(false);
      expect(validator('CompleteTaskBody')({ outcome: 'approve', data: [] })).toBe(false);
      expect(validator('CompleteTaskBody')({ outcome: 'approve', data: { skuId: 'S1' } })).toBe(true);
    });

    it('the error examples match ErrorResponse', () => {
      for (const [name, response] of Object.entries(doc.components.responses as Json)) {
        expect(validator('ErrorResponse')(response.content['application/json'].example), name).toBe(true);
      }
    });
  });
});
