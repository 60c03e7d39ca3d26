// `npm run openapi`: writes the ops API's OpenAPI document to docs/openapi.json (committed; a test
// fails when it is stale). The console's typed client is generated from it next (console/export-api-types.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPENAPI_FILE, renderOpenApi } from './openapi';

/** Writes a generated file of the repository (`docs/openapi.json`) when its content changed, and says which. */
export function writeGenerated(name: string, content: string): void {
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

if (process.argv[1] === fileURLToPath(import.meta.url)) writeGenerated(OPENAPI_FILE, renderOpenApi());
