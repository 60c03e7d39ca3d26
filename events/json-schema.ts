import * as z from 'zod';
import { catalog, contractKey } from './catalog';

export const schemasDir = new URL('./schemas/', import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Sorted keys at every level, so output does not depend on how a schema was written. */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key])]),
    );
  }
  return value;
}

/** The registry schema of one contract: the EventBridge envelope with `detail` as the contract's input schema. */
export function envelopeSchema(contract: { source: string; detailType: string; schema: z.ZodType }): Json {
  const { $schema: _ignored, $defs, ...detail } = z.toJSONSchema(contract.schema, { io: 'input' }) as Record<string, Json>;
  return sortKeys({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: contractKey(contract.source, contract.detailType),
    description: `EventBridge event ${contract.detailType} from ${contract.source} on the shop-platform bus`,
    type: 'object',
    properties: {
      source: { const: contract.source },
      'detail-type': { const: contract.detailType },
      detail,
    },
    required: ['source', 'detail-type', 'detail'],
    // `#/$defs/...` references resolve against the document root, so shared definitions move up.
    ...($defs ? { $defs } : {}),
  });
}

/** File name → file content for every contract in the catalog, in catalog order. */
export function renderSchemas(): Map<string, string> {
  return new Map(
    catalog.map((contract) => [
      `${contractKey(contract.source, contract.detailType)}.json`,
      `${JSON.stringify(envelopeSchema(contract), null, 2)}\n`,
    ]),
  );
}
