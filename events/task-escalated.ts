import * as z from 'zod';
import { defineEvent, fields } from './define';
import { nonEmptyText, wholeNumber } from './schema-kit';
import { sources } from './sources';

/** A human task passed its SLA and moved to the escalation role (no personal data: ids only). */
export const TaskEscalatedDetail = z.looseObject(
  {
    taskId: fields.id('taskId'),
    kind: nonEmptyText('kind'),
    flow: nonEmptyText('flow'),
    businessKey: fields.id('businessKey'),
    escalationLevel: wholeNumber('escalationLevel', 1),
    role: nonEmptyText('role'),
    dueAt: fields.isoTime('dueAt'),
    escalatedAt: fields.isoTime('escalatedAt'),
  },
  { error: 'detail must be an object' },
);
export type TaskEscalatedDetail = z.infer<typeof TaskEscalatedDetail>;

export const TaskEscalated = defineEvent(sources.workflows, 'TaskEscalated', TaskEscalatedDetail);
