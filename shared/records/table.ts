import * as z from 'zod';
import { DynamoTable } from '../dynamo';
import { defineEnv } from '../env';

/**
 * The Records table holds every entity of the flows, one module per entity in this folder; each
 * module's header lists its keys, and no other code spells a key. `pk`/`sk` is the entity; the
 * generic indexes `gsi1` (`gsi1pk`/`gsi1sk`) and `gsi2` (`gsi2pk`/`gsi2sk`) are secondary access
 * paths each entity documents where it writes them.
 */
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

const env = defineEnv(z.object({ RECORDS_TABLE: z.string().min(1) }));

/** The Records table the running function is bound to (`RECORDS_TABLE`). */
export const recordsTable = (): DynamoTable => new DynamoTable(env().RECORDS_TABLE, 'pk');
