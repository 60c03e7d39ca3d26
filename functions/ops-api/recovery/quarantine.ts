import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { findContract, personalDataPaths } from '../../../events/catalog';
import { eventBridge } from '../../../shared/aws';
import { nowIso } from '../../../shared/clock';
import { DynamoTable } from '../../../shared/dynamo';
import { ConfigurationError } from '../../../shared/env';
import { ConflictError, NotFoundError, TransientError, ValidationError } from '../../../shared/errors';
import { REDACTED, redactingReplacer } from '../../../shared/logger';
import { Quarantine, type QuarantineEntry } from '../../../shared/records/quarantine';
import { toFieldErrors } from '../../../shared/validation';
import type { QuarantinedEvent } from '../schemas';
import { opsEnv } from '../ops-env';

/**
 * Quarantined events for ops: listed per day with personal data masked, and replayed once,
 * stored or corrected, after checking them against their contract in `events/`.
 */

const quarantine = () => new Quarantine(new DynamoTable(opsEnv().QUARANTINE_TABLE, 'id'));

/** The detail with personal data masked: the contract's personal fields and sensitive keys at any depth. */
export function maskedDetail(source: string, detailType: string, detail: unknown): unknown {
  const masked = JSON.parse(JSON.stringify(detail ?? null, redactingReplacer)) as unknown;
  if (!masked || typeof masked !== 'object' || Array.isArray(masked)) return masked;
  const record = masked as Record<string, unknown>;
  for (const path of personalDataPaths(source, detailType)) if (record[path] !== undefined && record[path] !== null) record[path] = REDACTED;
  return record;
}

/** The stored event's detail, or undefined when what was received was not an event with one. */
function storedDetail(entry: QuarantineEntry): unknown {
  try {
    return (JSON.parse(entry.event) as { detail?: unknown }).detail;
  } catch {
    return undefined;
  }
}

function view(entry: QuarantineEntry): QuarantinedEvent {
  return {
    id: entry.id,
    source: entry.source,
    detailType: entry.detailType,
    flow: entry.flow,
    reason: entry.reason,
    errors: entry.errors ?? [],
    receivedAt: entry.receivedAt,
    detail: maskedDetail(entry.source, entry.detailType, storedDetail(entry)),
    ...(entry.replayedAt ? { replayedAt: entry.replayedAt, replayedBy: entry.replayedBy } : {}),
  };
}

export async function listQuarantine(query: { day?: string; detailType?: string }) {
  const day = query.day ?? nowIso().slice(0, 10);
  const items = (await quarantine().receivedOn(day)).filter((entry) => !query.detailType || entry.detailType === query.detailType);
  return { day, items: items.map(view) };
}

/**
 * Replays one quarantined event: the corrected detail (or the stored one) must pass its
 * contract (400 naming each field otherwise), the entry is marked replayed with one conditional
 * write (409 for a second replay), then the event goes back on the bus, where its rule and the
 * flow trigger take it as any other; the flow starts once per business key as always.
 */
export async function replay(id: string, corrected: Record<string, unknown> | undefined, by: string) {
  const entries = quarantine();
  const entry = await entries.get(id);
  if (!entry) throw new NotFoundError(`no quarantined event ${id}`);
  if (entry.replayedAt) throw new ConflictError(`event ${id} was replayed at ${entry.replayedAt} by ${entry.replayedBy}`);
  const contract = findContract(entry.source, entry.detailType);
  if (!contract) throw new ValidationError('cannot replay', [{ field: 'detailType', message: `no contract for ${entry.source} ${entry.detailType}` }]);
  const detail = corrected ?? storedDetail(entry);
  const parsed = contract.safeParse(detail);
  if (!parsed.success) throw new ValidationError(`${entry.detailType} is still invalid`, toFieldErrors(parsed.error, 'detail'));

  const bus = opsEnv().EVENT_BUS_NAME;
  if (!bus) throw new ConfigurationError('Environment is incomplete: EVENT_BUS_NAME (a replay puts the event back on the bus)');
  const at = nowIso();
  if (!(await entries.markReplayed(id, by, at))) throw new ConflictError(`event ${id} was replayed already`);
  try {
    const put = await eventBridge().send(
      new PutEventsCommand({ Entries: [{ Source: entry.source, DetailType: entry.detailType, Detail: JSON.stringify(detail), EventBusName: bus }] }),
    );
    const result = put.Entries?.[0];
    if (!result?.EventId) throw new TransientError(`the bus refused the event: ${result?.ErrorCode ?? 'no entry'} ${result?.ErrorMessage ?? ''}`.trim());
    await entries.replayed(id, at, result.EventId);
    return { id, replayedAt: at, eventId: result.EventId, detailType: entry.detailType, corrected: corrected !== undefined };
  } catch (error) {
    await entries.unmarkReplayed(id, at);
    throw error;
  }
}
