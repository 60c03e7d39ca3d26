import * as z from 'zod';
import { defineEnv } from '../../shared/env';
import { TaskRepository } from '../../shared/tasks/repository';

export const taskEnv = defineEnv(
  z.object({
    TASKS_TABLE: z.string().min(1),
    RECORDS_TABLE: z.string().min(1),
    EVENT_BUS_NAME: z.string().min(1).optional(),
  }),
);

let repository: TaskRepository | undefined;
let repositoryEnv: object | undefined;

/** One repository per function environment (the local platform runs several in one process). */
export function tasks(): TaskRepository {
  const env = taskEnv();
  if (repositoryEnv !== env) {
    repository = new TaskRepository({ tasksTable: env.TASKS_TABLE, recordsTable: env.RECORDS_TABLE });
    repositoryEnv = env;
  }
  return repository!;
}
