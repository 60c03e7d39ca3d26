import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { WORKFLOW_BUNDLING } from '../workflows/constructs/workflow-function';
import { REPO_ROOT } from '../workflows/constructs/repo-paths';
import type { LocalFunction } from '../infra/local/engine/model';
import { median } from './stats';

const execFileAsync = promisify(execFile);

/**
 * Bundles every handler twice, as we deploy it (WORKFLOW_BUNDLING) and as a plain `NodejsFunction`
 * would with CDK's defaults (CommonJS, not minified, no source map; `@aws-sdk/*` left to the
 * runtime in both, as CDK does for Node 18 and later), and measures each bundle's bytes and its
 * cold module-load time in a fresh Node process (median of `loadRuns`).
 */
export interface BundleMeasure {
  /** Code a cold start loads: the package's files plus the runtime-provided modules (`@aws-sdk/*`) it pulls in. */
  bytes: number;
  /** What the deployment package holds (the bundle and its source map, if any). */
  packageBytes: number;
  loadMs: number;
}

export interface BundleFigures {
  entry: string;
  /** Functions of the template built from this entry. */
  functions: number;
  ours: BundleMeasure;
  cdkDefault: BundleMeasure;
  bytesRatio: number;
  packageBytesRatio: number;
  loadRatio: number;
}

export interface BundlesResult {
  bytesRatio: number;
  loadRatio: number;
  packageBytesRatio: number;
  totals: { oursBytes: number; cdkDefaultBytes: number; oursPackageBytes: number; cdkDefaultPackageBytes: number; oursLoadMs: number; cdkDefaultLoadMs: number };
  worst: { bytes: string; load: string };
  functions: BundleFigures[];
}

/** The options CDK's NodejsFunction passes to esbuild for our bundling props (see aws-lambda-nodejs bundling). */
export function esbuildOptionsFor(kind: 'ours' | 'cdkDefault', entry: string, outdir: string): BuildOptions {
  const common: BuildOptions = { entryPoints: [entry], bundle: true, platform: 'node', logLevel: 'silent', absWorkingDir: REPO_ROOT };
  if (kind === 'cdkDefault') return { ...common, external: ['@aws-sdk/*'], target: 'node22', format: 'cjs', outfile: path.join(outdir, 'index.js') };
  return {
    ...common,
    target: WORKFLOW_BUNDLING.target,
    format: WORKFLOW_BUNDLING.format,
    minify: WORKFLOW_BUNDLING.minify,
    sourcemap: WORKFLOW_BUNDLING.sourceMap,
    sourcesContent: WORKFLOW_BUNDLING.sourcesContent,
    external: [...WORKFLOW_BUNDLING.externalModules],
    mainFields: [...WORKFLOW_BUNDLING.mainFields],
    banner: { js: WORKFLOW_BUNDLING.banner },
    outfile: path.join(outdir, 'index.mjs'),
  };
}

/**
 * Imports the bundle in a fresh process, as Lambda's runtime does at a cold start: milliseconds,
 * and the bytes of every file that took (the bundle, its map when source maps are on, and each
 * CommonJS module it pulled from node_modules).
 */
async function coldLoad(file: string, env: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  const script = [
    `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); const ms = performance.now() - t;`,
    `const { createRequire } = await import('node:module'); const { statSync, existsSync } = await import('node:fs');`,
    `const files = new Set([...Object.keys(createRequire(import.meta.url).cache), ${JSON.stringify(file)}]);`,
    `if (process.execArgv.concat(process.env.NODE_OPTIONS ?? '').join(' ').includes('enable-source-maps') && existsSync(${JSON.stringify(`${file}.map`)})) files.add(${JSON.stringify(`${file}.map`)});`,
    `let bytes = 0; for (const f of files) bytes += statSync(f).size;`,
    `process.stdout.write(JSON.stringify({ ms, bytes }));`,
  ].join('\n');
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, cwd: path.dirname(file) });
  return JSON.parse(stdout);
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

export async function measureBundles(functions: LocalFunction[], options: { loadRuns: number; limit?: number; workDir: string }): Promise<BundlesResult> {
  const byEntry = new Map<string, LocalFunction[]>();
  for (const fn of functions) byEntry.set(fn.entry, [...(byEntry.get(fn.entry) ?? []), fn]);
  const entries = [...byEntry.keys()].sort().slice(0, options.limit);
  rmSync(options.workDir, { recursive: true, force: true });
  mkdirSync(options.workDir, { recursive: true });
  // A deployment package has no package.json: `.js` is CommonJS there, not the repo's "type": "module".
  writeFileSync(path.join(options.workDir, 'package.json'), '{}\n');
  const figures: BundleFigures[] = [];
  for (const entry of entries) {
    const sample = byEntry.get(entry)![0];
    const measured = {} as Record<'ours' | 'cdkDefault', BundleMeasure>;
    for (const kind of ['ours', 'cdkDefault'] as const) {
      const outdir = path.join(options.workDir, entry.replace(/[/.]/g, '_'), kind);
      mkdirSync(outdir, { recursive: true });
      const esbuild = esbuildOptionsFor(kind, path.join(REPO_ROOT, entry), outdir);
      await build(esbuild);
      // The environment the function gets, so module-level set-up runs as deployed; NODE_OPTIONS only for ours.
      const env: Record<string, string> = { ...sample.environment, AWS_REGION: 'us-east-1' };
      if (kind === 'cdkDefault') delete env.NODE_OPTIONS;
      const runs: Array<{ ms: number; bytes: number }> = [];
      for (let i = 0; i < options.loadRuns; i++) runs.push(await coldLoad(esbuild.outfile!, env));
      measured[kind] = { bytes: runs[0].bytes, packageBytes: dirBytes(outdir), loadMs: median(runs.map((r) => r.ms)) };
    }
    figures.push({
      entry,
      functions: byEntry.get(entry)!.length,
      ...measured,
      bytesRatio: measured.ours.bytes / measured.cdkDefault.bytes,
      packageBytesRatio: measured.ours.packageBytes / measured.cdkDefault.packageBytes,
      loadRatio: measured.ours.loadMs / measured.cdkDefault.loadMs,
    });
  }
  // Totals weigh each entry by the functions deployed from it.
  const total = (pick: (f: BundleFigures) => number) => figures.reduce((sum, f) => sum + pick(f) * f.functions, 0);
  const totals = {
    oursBytes: total((f) => f.ours.bytes),
    cdkDefaultBytes: total((f) => f.cdkDefault.bytes),
    oursPackageBytes: total((f) => f.ours.packageBytes),
    cdkDefaultPackageBytes: total((f) => f.cdkDefault.packageBytes),
    oursLoadMs: total((f) => f.ours.loadMs),
    cdkDefaultLoadMs: total((f) => f.cdkDefault.loadMs),
  };
  const worstBy = (pick: (f: BundleFigures) => number) => figures.reduce((a, b) => (pick(b) > pick(a) ? b : a)).entry;
  return {
    bytesRatio: totals.oursBytes / totals.cdkDefaultBytes,
    packageBytesRatio: totals.oursPackageBytes / totals.cdkDefaultPackageBytes,
    loadRatio: totals.oursLoadMs / totals.cdkDefaultLoadMs,
    totals,
    worst: { bytes: worstBy((f) => f.bytesRatio), load: worstBy((f) => f.loadRatio) },
    functions: figures,
  };
}
