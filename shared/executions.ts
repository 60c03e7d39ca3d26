import { createHash } from 'node:crypto';

const NAME_LIMIT = 80;

/**
 * Step Functions execution name for a business key. Names are unique per state machine (for 90
 * days after an execution closes), so naming the execution after its key makes a duplicate
 * start a no-op and lets anyone find the flow instance by the key alone.
 * Keys that are already valid names are used as they are; others get a readable, stable form.
 */
export function executionNameFor(businessKey: string): string {
  if (/^[A-Za-z0-9_-]{1,80}$/.test(businessKey)) return businessKey;
  const readable = businessKey.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, NAME_LIMIT - 13);
  const hash = createHash('sha256').update(businessKey).digest('hex').slice(0, 12);
  return `${readable}-${hash}`;
}

/** Reads the business key from an event detail, e.g. `orderId`. */
export function businessKeyOf(detail: Record<string, unknown>, field: string): string | undefined {
  const value = detail[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The ARN of a flow instance: executions are named after their business key (see executionNameFor). */
export function executionArnFor(stateMachineArn: string, businessKey: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionNameFor(businessKey)}`;
}
