import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
import { afterEach, expect, it, vi } from 'vitest';
import { divertFunctionOutput } from './function-output';

afterEach(() => vi.restoreAllMocks());

it('sends what is written during an invocation to the sink and leaves the rest to the terminal', async () => {
  const terminal: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (terminal.push(String(chunk)), true));
  }
  const invocation = new AsyncLocalStorage<boolean>();
  const diverted: string[] = [];
  const restore = divertFunctionOutput(() => invocation.getStore() === true, (text) => diverted.push(text));
  try {
    // The way Powertools prints: a console of its own, bound to stdout and stderr.
    const handlerConsole = new Console({ stdout: process.stdout, stderr: process.stderr });
    process.stdout.write('caller before\n');
    await invocation.run(true, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      handlerConsole.info('info from the handler');
      handlerConsole.warn('warning from the handler');
      process.stdout.write(Buffer.from('bytes from the handler\n'));
      await new Promise((resolve) => process.stdout.write('with a callback\n', resolve));
    });
    process.stderr.write('caller after\n');
  } finally {
    restore();
  }
  process.stdout.write('after the undo\n');
  expect(diverted).toEqual(['info from the handler\n', 'warning from the handler\n', 'bytes from the handler\n', 'with a callback\n']);
  expect(terminal).toEqual(['caller before\n', 'caller after\n', 'after the undo\n']);
});
