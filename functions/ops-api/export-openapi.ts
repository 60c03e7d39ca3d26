// `npm run openapi`: writes the ops API's OpenAPI document to docs/openapi.json and the console's
// API types to console/src/api-types.ts (both committed; a test fails when either is stale).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_TYPES_FILE, renderApiTypes } from '../../console/api-types';
import { OPENAPI_FILE, renderOpenApi } from './openapi';

// The console's typed client (console/src/api-types.ts) is generated from the same document.
for (const [name, content] of [
  [OPENAPI_FILE, renderOpenApi()],
  [API_TYPES_FILE, await renderApiTypes()],
] as const) {
  const file = fileURLToPath(new URL(`../../${name}`, import.meta.url));
  let previous: string | undefined;
  try {
    previous = readFileSync(file, 'utf8');
  } catch {
    previous = undefined;
  }
  if (previous !== content) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  console.log(`${previous === undefined ? 'created' : previous === content ? 'unchanged' : 'updated'} ${name}`);
}
