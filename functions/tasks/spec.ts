import * as z from 'zod';
import { ROLES } from '../../shared/roles';

/** The task a flow step asks for, as its state machine passes it (see workflows/human-task.ts). */
export const TaskSpecInput = z.object({
  kind: z.string().min(1),
  flow: z.string().min(1),
  businessKey: z.string().min(1),
  role: z.enum(ROLES),
  summary: z.string().min(1).max(500),
  outcomes: z
    .array(
      z.object({
        name: z.string().min(1),
        reasonRequired: z.boolean().optional(),
        dataSchema: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1),
  slaSeconds: z.number().int().positive(),
  escalation: z.object({ role: z.enum(ROLES), maxLevels: z.number().int().min(0), slaSeconds: z.number().int().positive() }).optional(),
  fourEyes: z.boolean().optional(),
});

export const StepInput = z.object({
  executionArn: z.string().min(1),
  stepId: z.string().min(1),
  spec: TaskSpecInput,
});
