import * as z from 'zod';
import { defineEnv } from '../../shared/env';

const env = defineEnv(z.object({ RECORDS_TABLE: z.string().min(1) }));

export const recordsTable = () => env().RECORDS_TABLE;
