// `npm run openapi`: writes the ops API's OpenAPI document to docs/openapi.json (committed;
// openapi.test.ts fails when it is stale).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPENAPI_FILE, renderOpenApi } from './openapi';

const file = fileURLToPath(new URL(`../../${OPENAPI_FILE}`, import.meta.url));
const content = renderOpenApi();
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
console.log(`${previous === undefined ? 'created' : previous === content ? 'unchanged' : 'updated'} ${OPENAPI_FILE}`);
