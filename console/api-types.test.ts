import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../workflows/constructs/repo-paths';
import { API_TYPES_FILE, renderApiTypes } from './api-types';

describe('console API types', () => {
  it(`are committed up to date in ${API_TYPES_FILE} (run "npm run openapi" when this fails)`, async () => {
    expect(readFileSync(repoPath(API_TYPES_FILE), 'utf8')).toBe(await renderApiTypes());
  });
});
