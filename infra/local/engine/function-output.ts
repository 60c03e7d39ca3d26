/**
 * In AWS a function's stdout and stderr go to its log stream, not to whoever invoked it. Here every
 * function runs in this process, so what they print would land in the caller's terminal: this
 * diverts what is written to `process.stdout` and `process.stderr` while `duringInvocation()` holds
 * (an invocation's async context) to `sink`, and leaves the rest alone. Returns the undo.
 */
export function divertFunctionOutput(duringInvocation: () => boolean, sink: (text: string) => void): () => void {
  const undo = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]) {
      if (!duringInvocation()) return write.call(this, chunk, ...(rest as [never]));
      sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as ((error: null) => void) | undefined;
      if (callback) process.nextTick(callback, null);
      return true;
    } as typeof stream.write;
    return () => {
      stream.write = write;
    };
  });
  return () => undo.forEach((restore) => restore());
}
