import * as z from 'zod';
import { findContract } from '../../events/catalog';
import { nowIso } from '../../shared/clock';
import { startInstance } from '../../shared/flow-starts';
import { defineEnv } from '../../shared/env';
import { logger } from '../../shared/logger';
import { PersonalData } from '../../shared/records/personal-data';
import { Quarantine } from '../../shared/records/quarantine';
import { envelopeHandler, type EventEnvelope } from '../../shared/handlers/event';
import { toFieldErrors, type FieldError } from '../../shared/validation';
import { businessKeyOf } from '../../shared/executions';

const env = defineEnv(
  z.object({
    FLOW: z.string().min(1),
    STATE_MACHINE_ARN: z.string().min(1),
    BUSINESS_KEY: z.string().min(1),
    QUARANTINE_TABLE: z.string().min(1),
    RECORDS_TABLE: z.string().min(1),
    /** Prepended to the key field's value to make the business key (`purchase-` + orderId). */
    BUSINESS_KEY_PREFIX: z.string().default(''),
    /** The input field that carries the business key to the flow, when it is not the event's own field. */
    BUSINESS_KEY_FIELD: z.string().optional(),
    /** Comma-separated detail fields the flow gets; all when unset. */
    INPUT_FIELDS: z.string().optional(),
    /**
     * Set for EXPRESS machines, which do not deduplicate execution names: each start is claimed on
     * the instance's record first, and a claim whose start never happened expires after this many
     * seconds (the machine's timeout).
     */
    CLAIM_STARTS_SECONDS: z.coerce.number().int().positive().optional(),
  }),
);

export type IntakeResult =
  | { status: 'started'; executionArn: string; businessKey: string }
  | { status: 'duplicate'; businessKey: string }
  | { status: 'quarantined'; reason: string };

/**
 * Starts the flow for one platform event, once per business key: the execution is named after
 * the key, so EventBridge redeliveries and producer duplicates start nothing new. An event that
 * fails its contract is quarantined with the reason, never dropped.
 */
export async function startFlow(event: EventEnvelope): Promise<IntakeResult> {
  const { FLOW, BUSINESS_KEY, STATE_MACHINE_ARN, BUSINESS_KEY_PREFIX, BUSINESS_KEY_FIELD, INPUT_FIELDS } = env();
  const contract = findContract(event.source, event['detail-type']);
  if (!contract) return quarantine(event, `no contract for ${event.source} ${event['detail-type']}`, []);
  const parsed = contract.safeParse(event.detail);
  if (!parsed.success) {
    const errors = toFieldErrors(parsed.error, 'detail');
    return quarantine(event, `${event['detail-type']} is invalid`, errors);
  }
  const detail = parsed.data as Record<string, unknown>;
  const key = businessKeyOf(detail, BUSINESS_KEY);
  if (!key) return quarantine(event, `detail.${BUSINESS_KEY} is missing`, []);
  const businessKey = `${BUSINESS_KEY_PREFIX}${key}`;

  const fields = INPUT_FIELDS ? Object.fromEntries(INPUT_FIELDS.split(',').filter((f) => f in detail).map((f) => [f, detail[f]])) : detail;
  const input = {
    ...(await withoutPersonalData(fields, contract.personalData, FLOW, businessKey)),
    ...(BUSINESS_KEY_FIELD ? { [BUSINESS_KEY_FIELD]: businessKey } : {}),
  };
  const started = await startInstance({ flow: FLOW, businessKey, stateMachineArn: STATE_MACHINE_ARN, input, claimSeconds: env().CLAIM_STARTS_SECONDS });
  if (started.status === 'duplicate') {
    logger.info('duplicate start ignored', { flow: FLOW, businessKey, eventId: event.id });
    return { status: 'duplicate', businessKey };
  }
  logger.info('flow started', { flow: FLOW, businessKey, eventId: event.id });
  return { status: 'started', executionArn: started.executionArn, businessKey };
}

/**
 * Workflow history must never hold personal data in clear: those fields are kept in the records
 * table and the execution gets a reference that the steps needing them read server-side.
 */
async function withoutPersonalData(detail: Record<string, unknown>, paths: readonly string[], flow: string, businessKey: string) {
  const present = paths.filter((path) => detail[path] !== undefined);
  if (present.length === 0) return detail;
  const personalDataRef = await new PersonalData().keep(flow, businessKey, Object.fromEntries(present.map((p) => [p, detail[p]])));
  const input = Object.fromEntries(Object.entries(detail).filter(([field]) => !present.includes(field)));
  return { ...input, personalDataRef };
}

async function quarantine(event: EventEnvelope, reason: string, errors: FieldError[]): Promise<IntakeResult> {
  await new Quarantine().keep({
    id: event.id,
    receivedAt: nowIso(),
    flow: env().FLOW,
    source: event.source,
    detailType: event['detail-type'],
    reason,
    errors,
    event: JSON.stringify(event),
  });
  logger.warn('event quarantined', { flow: env().FLOW, eventId: event.id, reason, errors });
  return { status: 'quarantined', reason };
}

export const handler = envelopeHandler(startFlow);
