// Second half of `npm run openapi`: the console's API types (console/src/api-types.ts, committed;
// a test fails when stale), generated from the same document as docs/openapi.json.
import { writeGenerated } from '../functions/ops-api/export-openapi';
import { API_TYPES_FILE, renderApiTypes } from './api-types';

writeGenerated(API_TYPES_FILE, await renderApiTypes());
