import type { ZodType } from 'zod';
import { nowIso } from '../../../shared/clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../shared/errors';
import { apiHandler, json, parseJsonBody, type Caller } from '../../../shared/handlers/api';
import { AuditTrail, type AuditAction } from '../../../shared/records/audit';
import { DynamoTable } from '../../../shared/dynamo';
import { toFieldErrors } from '../../../shared/validation';
import { BulkRedriveBody, ListFlowsQuery, ListQuarantineQuery, ReplayBody } from '../schemas';
import { opsEnv } from '../ops-env';
import { listFlows, redriveMatching, redriveOne } from './flows';
import { listDeadLetters, redriveDeadLetters } from './dead-letters';
import { listQuarantine, replay } from './quarantine';

/**
 * The recovery routes of the ops API: flow instances by status and their redrive, quarantined
 * events and their replay. Listing flows needs any ops role; everything else `ops-lead`, and
 * every redrive and replay is written to the audit trail (who, when, what, how it went).
 */
export const handler = apiHandler(async (event, caller) => {
  if (caller.roles.length === 0) throw new ForbiddenError('you have no ops role');
  const path = event.pathParameters ?? {};
  switch (event.routeKey) {
    case 'GET /flows':
      return json(200, await listFlows(parse(ListFlowsQuery, event.queryStringParameters ?? {}, 'query')));
    case 'POST /flows/{flow}/{businessKey}/redrive': {
      opsLead(caller, 'redrive a flow');
      const result = await audited(caller, 'flow.redrive', `${path.flow}/${path.businessKey}`, () => redriveOne(path.flow ?? '', path.businessKey ?? ''));
      return json(200, result);
    }
    case 'POST /flows/{flow}/redrive': {
      opsLead(caller, 'redrive flows');
      const body = parse(BulkRedriveBody, parseJsonBody(event), 'body');
      const target = `${path.flow} ${body.status}${body.since ? ` since ${body.since}` : ''}${body.dryRun ? ' (dry run)' : ''}`;
      const result = await audited(caller, 'flows.redrive', target, () => redriveMatching(path.flow ?? '', body), (r) => ({
        matched: r.matched,
        redriven: r.redriven,
        notRedrivable: r.notRedrivable,
        failed: r.failed,
        dryRun: r.dryRun,
        businessKeys: r.results.map((x) => x.businessKey),
      }));
      return json(200, result);
    }
    case 'GET /quarantine':
      opsLead(caller, 'read quarantined events');
      return json(200, await listQuarantine(parse(ListQuarantineQuery, event.queryStringParameters ?? {}, 'query')));
    case 'POST /quarantine/{id}/replay': {
      opsLead(caller, 'replay quarantined events');
      const body = parse(ReplayBody, parseJsonBody(event), 'body');
      const result = await audited(caller, 'quarantine.replay', path.id ?? '', () => replay(path.id ?? '', body.detail, caller.user), (r) => ({
        eventId: r.eventId,
        corrected: r.corrected,
      }));
      return json(200, { id: result.id, replayedAt: result.replayedAt, eventId: result.eventId });
    }
    case 'GET /quarantine/dead-letters':
      opsLead(caller, 'read dead letters');
      return json(200, await listDeadLetters());
    case 'POST /quarantine/dead-letters/redrive': {
      opsLead(caller, 'redrive dead letters');
      const result = await audited(caller, 'dead-letters.redrive', 'the bus dead-letter queue', () => redriveDeadLetters(caller.user), (r) => ({
        redriven: r.redriven,
        quarantined: r.quarantined,
        failed: r.failed,
        waiting: r.waiting,
      }));
      return json(200, result);
    }
    default:
      throw new NotFoundError(`no route ${event.routeKey}`);
  }
});

function opsLead(caller: Caller, what: string): void {
  if (!caller.roles.includes('ops-lead')) throw new ForbiddenError(`only ops-lead may ${what}`);
}

function parse<T>(schema: ZodType<T>, input: unknown, prefix: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`${prefix} is invalid`, toFieldErrors(parsed.error, prefix));
  return parsed.data;
}

/** Runs an operation and records it, whether it worked (with its figures) or was refused (with why). */
async function audited<T>(
  caller: Caller,
  action: AuditAction,
  target: string,
  run: () => Promise<T>,
  summarize: (result: T) => Record<string, unknown> = (result) => ({ ...(result as Record<string, unknown>) }),
): Promise<T> {
  const trail = new AuditTrail(new DynamoTable(opsEnv().RECORDS_TABLE, 'pk'));
  const at = nowIso();
  try {
    const result = await run();
    await trail.record({ actor: caller.user, action, target, at, details: { outcome: 'done', ...summarize(result) } });
    return result;
  } catch (error) {
    const failure = error as Error & { status?: number };
    await trail.record({ actor: caller.user, action, target, at, details: { outcome: 'refused', status: failure.status ?? 500, error: failure.message } });
    throw error;
  }
}

