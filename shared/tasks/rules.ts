import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ValidationError } from '../errors';
import { fieldPath, type FieldError } from '../validation';
import { ACTIVE_CATALOG_SKU, type TaskRecord } from './model';

/** What an ops user submits to complete a task. */
export interface CompletionBody {
  outcome: string;
  reason?: string;
  data?: Record<string, unknown>;
}

/**
 * The caller holds the task's current role. No role sees every task: escalation hands a task to
 * ops-lead by reassigning its role, so the audit trail shows who was meant to act.
 */
export function canAct(task: Pick<TaskRecord, 'role'>, roles: string[]): boolean {
  return roles.includes(task.role);
}

/** Who may open a task: whoever may act on it, and ops-lead, who oversees every task (and takes over escalations). */
export function canView(task: Pick<TaskRecord, 'role'>, roles: string[]): boolean {
  return canAct(task, roles) || roles.includes('ops-lead');
}

/** Why `user` may not decide `task` under the four-eyes rule, or undefined when they may. */
export function fourEyesViolation(task: TaskRecord, user: string, earlierDecisions: TaskRecord[]): string | undefined {
  if (!task.fourEyes) return undefined;
  const earlier = earlierDecisions.find(
    (other) =>
      other.taskId !== task.taskId &&
      other.status === 'completed' &&
      other.businessKey === task.businessKey &&
      other.flow === task.flow &&
      (other.decidedBy ?? other.decision?.decidedBy) === user,
  );
  if (!earlier) return undefined;
  return `${user} already decided the ${earlier.kind} task for ${task.businessKey}; a second person must decide this ${task.kind} task`;
}

/** Throws ValidationError unless `body` is an acceptable decision for `task`. */
export function validateCompletion(task: TaskRecord, body: CompletionBody): void {
  const outcome = task.outcomes.find((candidate) => candidate.name === body.outcome);
  if (!outcome) {
    const allowed = task.outcomes.map((candidate) => candidate.name).join(', ');
    throw invalid([{ field: 'outcome', message: `outcome must be one of: ${allowed}` }]);
  }
  const errors: FieldError[] = [];
  if (outcome.reasonRequired && !body.reason?.trim()) {
    errors.push({ field: 'reason', message: `a reason is required for outcome ${outcome.name}` });
  }
  errors.push(...dataErrors(outcome.dataSchema, body.data));
  if (errors.length) throw invalid(errors);
}

/** The top-level fields of the outcome's data that must name an active catalog SKU (`ACTIVE_CATALOG_SKU`). */
export function catalogSkuFields(task: TaskRecord, outcome: string): string[] {
  const properties = (task.outcomes.find((candidate) => candidate.name === outcome)?.dataSchema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties)
    .filter(([, schema]) => schema?.[ACTIVE_CATALOG_SKU] === true)
    .map(([field]) => field);
}

/** Open or claimed and past its due time. */
export function isBreached(task: Pick<TaskRecord, 'status' | 'dueAt'>, now: string): boolean {
  return (task.status === 'open' || task.status === 'claimed') && Date.parse(task.dueAt) < Date.parse(now);
}

function invalid(errors: FieldError[]): ValidationError {
  return new ValidationError('invalid decision', errors);
}

function dataErrors(schema: Record<string, unknown> | undefined, data: unknown): FieldError[] {
  if (!schema) {
    const isObject = data === undefined || (typeof data === 'object' && data !== null && !Array.isArray(data));
    return isObject ? [] : [{ field: 'data', message: 'data must be an object' }];
  }
  const validate = validatorFor(schema);
  // No data is an empty object: an outcome whose fields are all optional needs none.
  return validate(data ?? {}) ? [] : (validate.errors ?? []).map(toFieldError);
}

// Schemas come from synthesized flow definitions, so they are few: compile each once.
let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    validate = compiler().compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

function compiler(): Ajv2020 {
  if (!ajv) {
    // Not strict: schemas generated from zod may carry keywords ajv does not know.
    ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
  }
  return ajv;
}

/** `/lines/0/sku` → `data.lines[0].sku`; required/additional errors name the property itself. */
function toFieldError(error: ErrorObject): FieldError {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const property = (error.params as { missingProperty?: string; additionalProperty?: string }) ?? {};
  const named = property.missingProperty ?? property.additionalProperty;
  if (named !== undefined) segments.push(named);
  const path = segments.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  return { field: fieldPath(['data', ...path]), message: error.message ?? 'is invalid' };
}
