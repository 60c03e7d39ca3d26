import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { JavaMissingError } from '../engine/dynamodb-local';
import { startPlatform } from '../engine/platform';
import { DEFAULT_STATE_DIR, LOCAL_SHOP_APP } from './shop-binding';

const program = new Command('npm start --')
  .description('Runs the platform on this machine: the synthesized CDK app behind AWS-compatible endpoints, with a virtual clock.')
  .option('--aws-port <port>', 'AWS-compatible endpoint port (env SHOP_AWS_PORT; 0 picks a free one)', process.env.SHOP_AWS_PORT ?? '4566')
  .option('--api-port <port>', 'ops API port (env SHOP_API_PORT; 0 picks a free one)', process.env.SHOP_API_PORT ?? '3000')
  .option('--persist', 'keep DynamoDB data in .local/dynamodb and S3 objects in .local/s3 between runs (default: in memory)', false)
  .option('--quiet', 'print only the endpoints: the platform log is not printed, the functions\' logs go to .local/functions.log', false)
  .parse();

const options = program.opts<{ awsPort: string; apiPort: string; persist: boolean; quiet: boolean }>();
const log = options.quiet ? () => undefined : (line: string) => console.log(`  ${line}`);
// Quiet still keeps what functions print (their log streams in AWS), in a file rather than nowhere.
const functionLogFile = path.join(DEFAULT_STATE_DIR, 'functions.log');
const functionOutput = options.quiet ? quietFunctionOutput(functionLogFile) : undefined;

try {
  const platform = await startPlatform({
    app: LOCAL_SHOP_APP,
    awsPort: port(options.awsPort, 'SHOP_AWS_PORT'),
    apiPort: port(options.apiPort, 'SHOP_API_PORT'),
    persistDir: options.persist ? path.join(DEFAULT_STATE_DIR, 'dynamodb') : undefined,
    stateDir: DEFAULT_STATE_DIR,
    log,
    functionOutput,
  });
  const { model } = platform;
  console.log(`AWS endpoint   ${platform.awsEndpoint}   (EventBridge, Step Functions, DynamoDB, SQS, S3 path-style: set endpoint on any AWS SDK client)`);
  console.log(`ops API        ${platform.apiEndpoint}   (Authorization: Bearer $(npm run -s ops -- token --user you --groups ops-lead | tail -1))`);
  if (LOCAL_SHOP_APP.site) {
    await LOCAL_SHOP_APP.site.files();
    console.log(`console        ${platform.apiEndpoint}${LOCAL_SHOP_APP.site.basePath}   (the ops console: sign in with any user name and the groups to act in)`);
  }
  console.log(`virtual clock  ${platform.awsEndpoint}/_local/clock   (GET it; POST {"advanceSeconds": N}; or npm run ops -- clock advance 3d)`);
  const buckets = model.buckets.length > 0 ? `${model.buckets.length} bucket${model.buckets.length === 1 ? '' : 's'}, ` : '';
  const kept = model.buckets.length > 0 ? 'kept in .local/dynamodb and .local/s3' : 'kept in .local/dynamodb';
  console.log(
    `serving        ${model.stateMachines.length} state machines, ${model.functions.length} functions, ${model.rules.length} rules, ` +
      `${model.tables.length} tables, ${buckets}${model.apis.flatMap((a) => a.routes).length} API routes; data ${options.persist ? kept : 'in memory'}`,
  );
  if (functionOutput) console.log(`function logs  ${path.relative(process.cwd(), functionLogFile)}`);
  console.log(`ready: started in ${(platform.startupMs / 1000).toFixed(1)} s; Ctrl-C stops`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof JavaMissingError) console.error(`cannot start: ${error.message}`);
  else console.error(`cannot start: ${process.env.DEBUG ? (error as Error).stack : (error as Error).message}`);
  process.exit(1);
}

function port(value: string, variable: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    console.error(`${variable} / port option must be a port number from 0 to 65535 (got "${value}")`);
    process.exit(2);
  }
  return parsed;
}

function quietFunctionOutput(file: string): (text: string) => void {
  mkdirSync(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file, { flags: 'w' });
  return (text) => void stream.write(text);
}
