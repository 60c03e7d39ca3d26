import { SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, InvalidToken } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws';
import { DynamoTable } from '../../../shared/dynamo';
import { nowIso } from '../../../shared/clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../shared/errors';
import { apiHandler, json, parseJsonBody, type ApiEvent, type Caller } from '../../../shared/handlers/api';
import { logger } from '../../../shared/logger';
import { Catalog } from '../../../shared/records/catalog';
import type { TaskRecord } from '../../../shared/tasks/model';
import { TaskRepository } from '../../../shared/tasks/repository';
import { canAct, canView, catalogSkuFields, fourEyesViolation, validateCompletion } from '../../../shared/tasks/rules';
import { toFieldErrors, type FieldError } from '../../../shared/validation';
import { CompleteTaskBody, ListTasksQuery, ReleaseTaskBody } from '../schemas';
import { opsEnv } from '../ops-env';
import { toDetail, toSummary } from './views';
import type * as z from 'zod';

const repository = () => new TaskRepository({ tasksTable: opsEnv().TASKS_TABLE, recordsTable: opsEnv().RECORDS_TABLE });

/** `/tasks` routes of the ops API: list, show, claim, release, complete. */
export const handler = apiHandler(async (event, caller) => {
  if (caller.roles.length === 0) throw new ForbiddenError('you have no ops role');
  const tasks = repository();
  switch (event.routeKey) {
    case 'GET /tasks': {
      const query = parse(ListTasksQuery, event.queryStringParameters ?? {}, 'query');
      const { mine, ...filters } = query;
      const page = await tasks.list(mine === 'true' ? { ...filters, anyRole: caller.roles } : filters);
      return json(200, { items: page.items.map(toSummary), ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
    }
    case 'GET /tasks/{taskId}':
      // Only who may act on a task (or oversees them all) sees it: a shared link is no way around a role.
      return json(200, toDetail(await visible(tasks, event, caller)));
    case 'POST /tasks/{taskId}/claim': {
      const task = await authorized(tasks, event, caller);
      return json(200, toDetail(await tasks.claim(task.taskId, caller.user, nowIso())));
    }
    case 'POST /tasks/{taskId}/release': {
      const task = await authorized(tasks, event, caller);
      const body = parse(ReleaseTaskBody, parseJsonBody(event), 'body');
      return json(200, toDetail(await tasks.release(task.taskId, caller.user, body.reason, nowIso())));
    }
    case 'POST /tasks/{taskId}/complete':
      return json(200, toDetail(await complete(tasks, event, caller)));
    default:
      throw new NotFoundError(`no route ${event.routeKey}`);
  }
});

/** Outcome data fields that name a catalog SKU must name an active one: the catalog changes after deploy. */
async function checkCatalogSkus(task: TaskRecord, body: { outcome: string; data?: Record<string, unknown> }): Promise<void> {
  const catalog = new Catalog(new DynamoTable(opsEnv().RECORDS_TABLE, 'pk'));
  const errors: FieldError[] = [];
  for (const field of catalogSkuFields(task, body.outcome)) {
    const skuId = String(body.data?.[field] ?? '');
    if ((await catalog.get(skuId))?.status !== 'active') errors.push({ field: `data.${field}`, message: `${skuId} is not an active SKU of the catalog` });
  }
  if (errors.length) throw new ValidationError('invalid decision', errors);
}

/**
 * Exactly one completion wins (a conditional write); only then is the waiting flow told. If the
 * flow stopped waiting meanwhile (its SLA passed), the task is marked expired and the caller
 * hears 409, so nobody believes a decision took effect when it did not.
 */
async function complete(tasks: TaskRepository, event: ApiEvent, caller: Caller): Promise<TaskRecord> {
  const task = await authorized(tasks, event, caller);
  const body = parse(CompleteTaskBody, parseJsonBody(event), 'body');
  validateCompletion(task, body);
  await checkCatalogSkus(task, body);
  if (task.fourEyes) {
    const earlier = (await tasks.decisionsFor(task.businessKey, task.flow)).filter((t) => t.taskId !== task.taskId);
    const violation = fourEyesViolation(task, caller.user, earlier);
    if (violation) throw new ForbiddenError(violation);
  }
  const completed = await tasks.complete(task.taskId, caller.user, body, nowIso());
  try {
    await stepFunctions().send(new SendTaskSuccessCommand({ taskToken: completed.taskToken, output: JSON.stringify(completed.decision) }));
  } catch (error) {
    if (!(error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken)) throw error;
    await tasks.markExpired(task.taskId, completed.tokenVersion, 'the flow stopped waiting before the decision arrived', nowIso());
    throw new ConflictError('the flow stopped waiting for this task (its SLA passed); the task is expired and your decision was not applied');
  }
  logger.info('task completed', { taskId: task.taskId, kind: task.kind, outcome: body.outcome, by: caller.user });
  return completed;
}

async function load(tasks: TaskRepository, event: ApiEvent): Promise<TaskRecord> {
  const taskId = event.pathParameters?.taskId ?? '';
  const task = await tasks.get(taskId);
  if (!task) throw new NotFoundError(`no task ${taskId}`);
  return task;
}

async function visible(tasks: TaskRepository, event: ApiEvent, caller: Caller): Promise<TaskRecord> {
  const task = await load(tasks, event);
  if (!canView(task, caller.roles)) throw new ForbiddenError(`task ${task.taskId} needs the role ${task.role}`);
  return task;
}

async function authorized(tasks: TaskRepository, event: ApiEvent, caller: Caller): Promise<TaskRecord> {
  const task = await load(tasks, event);
  if (!canAct(task, caller.roles)) throw new ForbiddenError(`task ${task.taskId} needs the role ${task.role}`);
  return task;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`${where} is invalid`, toFieldErrors(result.error));
  return result.data;
}
