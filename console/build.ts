import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { repoPath } from '../workflows/constructs/repo-paths';

/**
 * The console's bundle, built with esbuild from `console/src`: Preact (with its React
 * compatibility layer, which the JSON-Schema form library needs), the typed API client, the graph
 * layout. One entry page, `app.js` and `app.css`, and chunks loaded only when needed (the Cognito
 * sign-in). Built in memory for the local platform; written to a folder for the CDK deployment.
 */
const CONSOLE_DIR = repoPath('console');

function options(): esbuild.BuildOptions {
  return {
    absWorkingDir: CONSOLE_DIR,
    entryPoints: { app: 'src/main.tsx' },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    outdir: 'dist',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat', 'react/jsx-runtime': 'preact/jsx-runtime' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    metafile: true,
  };
}

export type SiteFiles = Map<string, Uint8Array>;

function collect(result: esbuild.BuildResult): SiteFiles {
  const outdir = path.join(CONSOLE_DIR, 'dist');
  const files: SiteFiles = new Map();
  for (const file of result.outputFiles ?? []) files.set(path.relative(outdir, file.path).split(path.sep).join('/'), file.contents);
  files.set('index.html', new TextEncoder().encode(readFileSync(path.join(CONSOLE_DIR, 'index.html'), 'utf8')));
  return files;
}

/** The console's files by path (`index.html`, `app.js`, `app.css`, `chunks/…`), built now. */
export async function buildConsole(): Promise<SiteFiles> {
  return collect(await esbuild.build({ ...options(), write: false }));
}

/** The same, synchronously (CDK asset bundling runs synchronously). */
export function buildConsoleSync(): SiteFiles {
  return collect(esbuild.buildSync({ ...options(), write: false }));
}

/** Bytes the first page load downloads: the entry script and style sheet, not the chunks loaded later. */
export function initialBytes(files: SiteFiles): number {
  return ['index.html', 'app.js', 'app.css'].reduce((sum, name) => sum + (files.get(name)?.byteLength ?? 0), 0);
}
