// `npm run schemas`: writes events/schemas/<source>@<DetailType>.json for the schema registry.
// The files are committed; catalog.test.ts fails when they are stale.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemas, schemasDir } from './json-schema';

const dir = fileURLToPath(schemasDir);
mkdirSync(dir, { recursive: true });

const files = renderSchemas();
let changed = 0;
for (const [name, content] of files) {
  const path = `${dir}${name}`;
  let previous: string | undefined;
  try {
    previous = readFileSync(path, 'utf8');
  } catch {
    previous = undefined;
  }
  const status = previous === undefined ? 'created' : previous === content ? 'unchanged' : 'updated';
  if (status !== 'unchanged') {
    writeFileSync(path, content);
    changed += 1;
  }
  console.log(`${status.padEnd(9)} events/schemas/${name}`);
}
// A contract removed from the catalog must not leave its schema behind in the registry export.
for (const name of readdirSync(dir)) {
  if (name.endsWith('.json') && !files.has(name)) {
    rmSync(`${dir}${name}`);
    changed += 1;
    console.log(`removed   events/schemas/${name}`);
  }
}
console.log(`${files.size} schemas, ${changed} changed`);
