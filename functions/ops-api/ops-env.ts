import * as z from 'zod';
import { defineEnv } from '../../shared/env';

export const opsEnv = defineEnv(
  z.object({
    TASKS_TABLE: z.string().min(1),
    RECORDS_TABLE: z.string().min(1),
    QUARANTINE_TABLE: z.string().min(1),
    /** The bus quarantine replays put events back on (the recovery routes only). */
    EVENT_BUS_NAME: z.string().min(1).optional(),
    /** The bus's dead-letter queue, whose events the recovery routes list and redrive. */
    DEAD_LETTER_QUEUE_URL: z.string().min(1).optional(),
    /** `{"refund": "arn:aws:states:…"}`: the flows the API answers for. */
    FLOW_STATE_MACHINES: z
      .string()
      .default('{}')
      .transform((text, ctx) => {
        try {
          return z.record(z.string(), z.string()).parse(JSON.parse(text));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object of flow name to state machine ARN' });
          return z.NEVER;
        }
      }),
  }),
);
