import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: entries and metadata are recorded relative to it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function repoPath(...segments: string[]): string {
  return path.join(REPO_ROOT, ...segments);
}
