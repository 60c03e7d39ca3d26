import * as z from 'zod';
import { ROLE_DESCRIPTIONS, ROLES } from '../../shared/roles';
import packageJson from '../../package.json' with { type: 'json' };
import {
  AllowedOutcome,
  BulkRedriveBody,
  BulkRedriveResponse,
  DeadLetterRedriveResponse,
  DeadLettersResponse,
  FlowInstance,
  ListFlowsQuery,
  ListFlowsResponse,
  ListQuarantineQuery,
  ListQuarantineResponse,
  QuarantinedEvent,
  RedrivableStatus,
  RedriveResult,
  ReplayBody,
  ReplayResponse,
  CatalogEntryView,
  CompleteTaskBody,
  ErrorResponse,
  FlowDefinition,
  FlowStatus,
  FlowView,
  ListTasksQuery,
  ListTasksResponse,
  ListingReason,
  ListingView,
  MemberView,
  MeResponse,
  QuarantineReport,
  CallbacksReport,
  ReleaseTaskBody,
  Role,
  SlaReport,
  TaskDetail,
  TaskHistoryEntry,
  TaskStatus,
  TaskSummary,
} from './schemas';

/**
 * The ops API as an OpenAPI 3.1 document, generated from the zod schemas the handlers validate
 * with (`schemas.ts`), so the document cannot drift from the code. `npm run openapi` writes it to
 * `docs/openapi.json`; openapi.test.ts fails when that file is stale.
 */

/** Where `npm run openapi` writes the document (committed). */
export const OPENAPI_FILE = 'docs/openapi.json';

const TARGET = 'draft-2020-12';
const ref = (id: string) => `#/components/schemas/${id}`;

/** Flow names of architecture.md; `GET /flows/{flow}/…` answers 404 for a flow not deployed yet. */
const FLOW_NAMES = ['listing-review', 'order-routing', 'stock-out', 'refund', 'member-callback', 'complaint'] as const;

/** Reports with a response schema, served by `GET /reports/{name}`. */
const REPORTS: Record<string, { id: string; summary: string; parameters?: JsonSchema[] }> = {
  sla: { id: 'SlaReport', summary: 'Open and SLA-breached (past due) tasks per kind' },
  quarantine: { id: 'QuarantineReport', summary: 'Events quarantined in the last 7 days, per source and type, with the latest reason' },
  callbacks: {
    id: 'CallbacksReport',
    summary: "A week's member callbacks: due, completed (reached or declined), unreachable, open, coverage against the 80 % target, per reason",
    parameters: [
      { name: 'week', in: 'query', required: false, description: 'ISO week in Asia/Shanghai, e.g. 2026-W48 (default: the current week)', schema: { type: 'string', pattern: '^\\d{4}-W\\d{2}$' } },
    ],
  },
};

/** Response shapes, converted together so they refer to each other by `$ref` (output types). */
const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  AllowedOutcome,
  BulkRedriveResponse,
  DeadLetterRedriveResponse,
  DeadLettersResponse,
  FlowInstance,
  ListFlowsResponse,
  ListQuarantineResponse,
  QuarantinedEvent,
  RedrivableStatus,
  RedriveResult,
  ReplayResponse,
  CatalogEntryView,
  ErrorResponse,
  FlowDefinition,
  FlowStatus,
  FlowView,
  ListTasksResponse,
  ListingReason,
  ListingView,
  MemberView,
  MeResponse,
  QuarantineReport,
  CallbacksReport,
  Role,
  SlaReport,
  TaskDetail,
  TaskHistoryEntry,
  TaskStatus,
  TaskSummary,
};

/** Request bodies: what a client may send (input types, unknown keys allowed and ignored). */
const REQUEST_SCHEMAS: Record<string, z.ZodType> = { BulkRedriveBody, CompleteTaskBody, ReleaseTaskBody, ReplayBody };

type JsonSchema = Record<string, unknown>;

/** A converted schema without the keys that belong to a standalone document, not a component. */
function component(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  if ('$defs' in rest) throw new Error('a component schema has $defs: give the shared part an id in RESPONSE_SCHEMAS');
  return rest;
}

function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESPONSE_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: TARGET, io: 'output', uri: ref });
  const all: Record<string, JsonSchema> = {};
  for (const id of Object.keys(RESPONSE_SCHEMAS)) all[id] = component(schemas[id] as JsonSchema);
  for (const [id, schema] of Object.entries(REQUEST_SCHEMAS)) all[id] = component(z.toJSONSchema(schema, { target: TARGET, io: 'input' }) as JsonSchema);
  return Object.fromEntries(Object.keys(all).sort().map((id) => [id, all[id]]));
}

/** Query parameters from a zod object: one per field; a field that is a named component refers to it. */
function queryParameters(query: z.ZodObject, descriptions: Record<string, string>): JsonSchema[] {
  return Object.entries(query.shape).map(([name, field]) => {
    const inner = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
    const named = Object.entries(RESPONSE_SCHEMAS).find(([, schema]) => schema === inner)?.[0];
    const schema = named ? { $ref: ref(named) } : component(z.toJSONSchema(inner, { target: TARGET, io: 'input' }) as JsonSchema);
    return { name, in: 'query', required: !(field instanceof z.ZodOptional), description: descriptions[name], schema };
  });
}

const ERRORS = {
  400: ['BadRequest', 'The request failed validation; `errors` names each field and what is wrong with it.'],
  401: ['Unauthorized', 'No token, or the token is invalid or expired.'],
  403: ['Forbidden', "The token's roles may not do this (or, for a four-eyes task, the same person decided earlier)."],
  404: ['NotFound', 'No such task, flow instance or report.'],
  409: ['Conflict', 'The decision lost a race: the task was claimed or completed by someone else, or expired.'],
} as const;
type ErrorStatus = keyof typeof ERRORS;

interface OperationSpec {
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  parameters?: JsonSchema[];
  body?: { id: string; required: boolean };
  ok: { id: string; description: string };
  errors: ErrorStatus[];
}

function operation(spec: OperationSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = {
    200: { description: spec.ok.description, content: { 'application/json': { schema: { $ref: ref(spec.ok.id) } } } },
  };
  for (const status of spec.errors) responses[status] = { $ref: `#/components/responses/${ERRORS[status][0]}` };
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.body
      ? { requestBody: { required: spec.body.required, content: { 'application/json': { schema: { $ref: ref(spec.body.id) } } } } }
      : {}),
    responses,
  };
}

const taskIdParameter = { name: 'taskId', in: 'path', required: true, description: 'opaque task id (ULID)', schema: { type: 'string', minLength: 1 } };

/** `GET /things/{id}`: one record by its id, for the roles named. */
function lookup(route: string, what: string, spec: { operationId: string; tag: string; summary: string; roles: string; ok: string }): Record<string, JsonSchema> {
  const name = /\{(\w+)\}/.exec(route)![1];
  return {
    [route]: {
      parameters: [{ name, in: 'path', required: true, description: what, schema: { type: 'string', minLength: 1 } }],
      get: operation({
        operationId: spec.operationId,
        tag: spec.tag,
        summary: spec.summary,
        description: `Roles: ${spec.roles}.`,
        ok: { id: spec.ok, description: what },
        errors: [401, 403, 404],
      }),
    },
  };
}

function paths(): Record<string, JsonSchema> {
  const reportPaths = Object.fromEntries(
    Object.entries(REPORTS).map(([name, report]) => [
      `/reports/${name}`,
      {
        get: operation({
          operationId: `get${report.id}`,
          tag: 'reports',
          summary: report.summary,
          description: `One of the reports served by \`GET /reports/{name}\` (name \`${name}\`).`,
          ok: { id: report.id, description: 'the report, computed now' },
          ...(report.parameters ? { parameters: report.parameters } : {}),
          errors: report.parameters ? [400, 401, 403] : [401, 403],
        }),
      },
    ]),
  );
  return {
    '/tasks': {
      get: operation({
        operationId: 'listTasks',
        tag: 'tasks',
        summary: 'List human tasks',
        description: 'Filters combine; results are paged: pass the `nextToken` of one page to get the next.',
        parameters: queryParameters(ListTasksQuery, {
          status: 'only tasks in this status',
          kind: 'only tasks of this kind',
          role: 'only tasks for this role',
          businessKey: 'only tasks of this business key (orderId, refundId, listingId, memberId)',
          mine: "true: only tasks for one of the caller's roles (what the caller may act on)",
          limit: 'page size (1–100)',
          nextToken: 'from the previous page',
        }),
        ok: { id: 'ListTasksResponse', description: 'one page of tasks' },
        errors: [400, 401, 403],
      }),
    },
    '/tasks/{taskId}': {
      parameters: [taskIdParameter],
      get: operation({
        operationId: 'getTask',
        tag: 'tasks',
        summary: 'One task: what to decide, allowed outcomes, due time, escalation level, history',
        description: "Only a caller with the task's role, or ops-lead, sees it (403 otherwise).",
        ok: { id: 'TaskDetail', description: 'the task' },
        errors: [401, 403, 404],
      }),
    },
    '/tasks/{taskId}/claim': {
      parameters: [taskIdParameter],
      post: operation({
        operationId: 'claimTask',
        tag: 'tasks',
        summary: 'Take a task',
        description: 'Only a caller with the task\'s role may claim it; 409 when someone else holds it or it is no longer open.',
        ok: { id: 'TaskDetail', description: 'the task, claimed by the caller' },
        errors: [401, 403, 404, 409],
      }),
    },
    '/tasks/{taskId}/release': {
      parameters: [taskIdParameter],
      post: operation({
        operationId: 'releaseTask',
        tag: 'tasks',
        summary: 'Give a claimed task back to its role',
        body: { id: 'ReleaseTaskBody', required: false },
        ok: { id: 'TaskDetail', description: 'the task, open again' },
        errors: [400, 401, 403, 404, 409],
      }),
    },
    '/tasks/{taskId}/complete': {
      parameters: [taskIdParameter],
      post: operation({
        operationId: 'completeTask',
        tag: 'tasks',
        summary: 'Decide a task',
        description:
          'The outcome must be one of the task\'s `allowedOutcomes`; `reason` and `data` are validated per task kind (`reasonRequired`, `dataSchema`). ' +
          'Exactly one completion wins: a concurrent or late one gets 409, and so does one that arrives after the flow stopped waiting.',
        body: { id: 'CompleteTaskBody', required: true },
        ok: { id: 'TaskDetail', description: 'the task, completed with the decision' },
        errors: [400, 401, 403, 404, 409],
      }),
    },
    '/flows/{flow}': {
      parameters: [flowParameter],
      get: operation({
        operationId: 'getFlowDefinition',
        tag: 'flows',
        summary: "A flow's state machine as a graph: its states (with the Parallel or Map each runs inside) and every transition",
        description: 'What the console draws; any ops role may read it.',
        ok: { id: 'FlowDefinition', description: 'the deployed definition of the flow' },
        errors: [401, 403, 404],
      }),
    },
    '/flows/{flow}/{businessKey}': {
      parameters: [
        flowParameter,
        { name: 'businessKey', in: 'path', required: true, description: "the flow's business key (e.g. the refundId of a refund flow)", schema: { type: 'string', minLength: 1 } },
      ],
      get: operation({
        operationId: 'getFlow',
        tag: 'flows',
        summary: 'Where a flow instance stands: status, current step, steps so far, result',
        ok: { id: 'FlowView', description: 'the flow instance' },
        errors: [401, 403, 404],
      }),
    },
    ...recoveryPaths(),
    ...reportPaths,
    ...lookup('/listings/{listingId}', 'the listing', {
      operationId: 'getListing',
      tag: 'catalog',
      summary: "A listing's review: where it stands, every revision with its reasons and reviews, its SKUs and their catalog entries",
      roles: 'reviewer, merchandiser, ops-lead',
      ok: 'ListingView',
    }),
    ...lookup('/skus/{skuId}', 'the SKU', {
      operationId: 'getSku',
      tag: 'catalog',
      summary: 'A catalog entry: the published SKU, its price, fresh and custom-made flags, active or delisted',
      roles: 'reviewer, merchandiser, ops-lead',
      ok: 'CatalogEntryView',
    }),
    ...lookup('/members/{memberId}', 'the member', {
      operationId: 'getMember',
      tag: 'members',
      summary: 'A member: tier, 12-month spend and orders, last purchase, coupons; never a phone number',
      roles: 'cs-agent, ops-lead',
      ok: 'MemberView',
    }),
    '/me': {
      get: operation({
        operationId: 'whoAmI',
        tag: 'identity',
        summary: 'The caller and the roles the token carries',
        ok: { id: 'MeResponse', description: 'the caller' },
        errors: [401],
      }),
    },
  };
}

const flowParameter = { name: 'flow', in: 'path', required: true, description: 'flow name', schema: { type: 'string', enum: [...FLOW_NAMES] } };

/** Flow instances by status and their redrive; quarantined events and their replay. */
function recoveryPaths(): Record<string, JsonSchema> {
  return {
    '/flows': {
      get: operation({
        operationId: 'listFlows',
        tag: 'recovery',
        summary: 'Flow instances by status, with the step they are in or stopped at, and the error',
        description:
          'Any ops role. `since` matches a stopped instance by its stop and a running one by its start. Paged: a page may hold fewer than `limit` ' +
          'items while `nextToken` still leads on. EXPRESS flows keep no execution list: their FAILED instances are listed from the records the ' +
          'flow writes (by their start: an Express execution runs at most 5 minutes), never redrivable, with the way to recover them; for other ' +
          'statuses the flow is named under `skipped`, with why.',
        parameters: queryParameters(ListFlowsQuery, {
          flow: 'only this flow (all flows when absent)',
          status: 'only instances in this status',
          since: 'ISO-8601 time',
          limit: 'page size (1–100)',
          nextToken: 'from the previous page',
        }),
        ok: { id: 'ListFlowsResponse', description: 'one page of flow instances' },
        errors: [400, 401, 403, 404],
      }),
    },
    '/flows/{flow}/{businessKey}/redrive': {
      parameters: [flowParameter, { name: 'businessKey', in: 'path', required: true, description: "the flow's business key", schema: { type: 'string', minLength: 1 } }],
      post: operation({
        operationId: 'redriveFlow',
        tag: 'recovery',
        summary: 'Resume a FAILED, TIMED_OUT or ABORTED instance from the step it did not finish (Step Functions RedriveExecution); restart a FAILED EXPRESS instance',
        description:
          'Role ops-lead; audited. Steps that succeeded are not run again. 409 with the reason when the instance may not be redriven ' +
          '(running, succeeded, stopped more than 14 days ago). An EXPRESS flow (order routing), which Step Functions cannot redrive, is `restarted`: ' +
          "its FAILED instance is claimed again as the intake claims it (a racing redelivery of its event starts nothing) and started from its first step with " +
          'the input its failure record kept; every step is idempotent per business key. 409 naming the status when it is not FAILED.',
        ok: { id: 'RedriveResult', description: 'the instance, redriven or restarted' },
        errors: [400, 401, 403, 404, 409],
      }),
    },
    '/flows/{flow}/redrive': {
      parameters: [flowParameter],
      post: operation({
        operationId: 'redriveFlows',
        tag: 'recovery',
        summary: 'Redrive every instance of a flow in a status (stopped since a time), or say which it would (dryRun)',
        description:
          'Role ops-lead; audited. Up to 100 instances per call: `more` is true when more matched; call again. ' +
          'For an EXPRESS flow, status FAILED only: each FAILED instance is restarted as the single route does (`recovery: restart`).',
        body: { id: 'BulkRedriveBody', required: true },
        ok: { id: 'BulkRedriveResponse', description: 'the count and the result of each instance' },
        errors: [400, 401, 403, 404],
      }),
    },
    '/quarantine': {
      get: operation({
        operationId: 'listQuarantine',
        tag: 'recovery',
        summary: 'Events quarantined on a day: reason, field errors, time received, the detail with personal data masked',
        description: 'Role ops-lead. `day` is a UTC day, today when absent.',
        parameters: queryParameters(ListQuarantineQuery, { day: 'YYYY-MM-DD (UTC)', detailType: 'only events of this detail-type' }),
        ok: { id: 'ListQuarantineResponse', description: "the day's quarantined events" },
        errors: [400, 401, 403],
      }),
    },
    '/quarantine/dead-letters': {
      get: operation({
        operationId: 'listDeadLetters',
        tag: 'recovery',
        summary: "The bus dead-letter queue: how many events wait, and the first ten, personal data masked",
        description: 'Role ops-lead. Looking does not take them: they stay in the queue.',
        ok: { id: 'DeadLettersResponse', description: 'the count and a sample' },
        errors: [401, 403],
      }),
    },
    '/quarantine/dead-letters/redrive': {
      post: operation({
        operationId: 'redriveDeadLetters',
        tag: 'recovery',
        summary: 'Put the events of the bus dead-letter queue back on the bus (up to 100 per call)',
        description:
          'Role ops-lead; audited. Every rule matching an event gets it again, which is safe: flows start and effects happen once per business key. ' +
          'A message that is not an event is moved to the quarantine. `waiting` > 0: call again.',
        ok: { id: 'DeadLetterRedriveResponse', description: 'what was redriven' },
        errors: [401, 403],
      }),
    },
    '/quarantine/{id}/replay': {
      parameters: [{ name: 'id', in: 'path', required: true, description: 'the quarantined event id', schema: { type: 'string', minLength: 1 } }],
      post: operation({
        operationId: 'replayQuarantined',
        tag: 'recovery',
        summary: 'Put a quarantined event back on the bus, as stored or with a corrected detail, once',
        description:
          'Role ops-lead; audited. The detail is checked against its contract first: still invalid → 400 naming each field. ' +
          'A second replay of the same event → 409.',
        body: { id: 'ReplayBody', required: false },
        ok: { id: 'ReplayResponse', description: 'the event, back on the bus' },
        errors: [400, 401, 403, 404, 409],
      }),
    },
  };
}

function errorResponses(): Record<string, JsonSchema> {
  const examples: Record<ErrorStatus, z.infer<typeof ErrorResponse>> = {
    400: { message: 'body is invalid', errors: [{ field: 'outcome', message: 'outcome is required' }] },
    401: { message: 'Unauthorized' },
    403: { message: 'task 01JQ8Z6W3D5V0K2M7N4P9R1S3T needs the role finance' },
    404: { message: 'no task 01JQ8Z6W3D5V0K2M7N4P9R1S3T' },
    409: { message: 'task is claimed by bob' },
  };
  return Object.fromEntries(
    (Object.keys(ERRORS) as unknown as ErrorStatus[]).map((status) => [
      ERRORS[status][0],
      { description: ERRORS[status][1], content: { 'application/json': { schema: { $ref: ref('ErrorResponse') }, example: examples[status] } } },
    ]),
  );
}

function description(): string {
  const roles = ROLES.map((role) => `| \`${role}\` | ${ROLE_DESCRIPTIONS[role]} |`).join('\n');
  return [
    'Human tasks of the shop workflows (approve, inspect, contact), where flow instances stand, and reports.',
    '',
    'Every route needs `Authorization: Bearer <JWT>`: a Cognito access token in AWS, a local token from',
    '`npm run ops -- token --user U --groups a,b` on the local platform. Without a valid token: 401.',
    "Roles come from the token's groups claim (`cognito:groups`); a role that may not act gets 403, and",
    'a decision that lost a race gets 409. Task ids are opaque; Step Functions task tokens never appear',
    'in a response.',
    '',
    '| role | may |',
    '|---|---|',
    roles,
  ].join('\n');
}

/** The OpenAPI 3.1 document of the ops API; the same object on every call. */
export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: { title: 'Shop workflows ops API', version: packageJson.version, description: description() },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'local platform (npm start; SHOP_API_PORT moves it)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'AWS (the ApiUrl output of the Api stack)',
        variables: { apiId: { default: 'apiId' }, region: { default: 'us-east-1' } },
      },
    ],
    security: [{ cognito: [] }],
    tags: [
      { name: 'tasks', description: 'the human-task inbox' },
      { name: 'flows', description: 'flow instances by business key' },
      { name: 'reports', description: 'read-only summaries' },
      { name: 'catalog', description: 'listing reviews and the product catalog' },
      { name: 'members', description: 'member records and tiers' },
      { name: 'identity', description: 'who the token says you are' },
    ],
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      responses: errorResponses(),
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito access token (local issuer on the local platform)' } },
    },
  };
}

/** The file content: 2-space JSON with a trailing newline. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
