// The twin's stand-in for the route functions' CloudWatch log groups: every structured (JSON) line the
// in-process Lambdas write to stdout/stderr is appended to one file, so `npm run usage:replay --
// --local` can find dropped usage events. Other output passes through untouched.
import fs from 'node:fs';
import path from 'node:path';

export interface LambdaLogTee {
  stop(): void;
}

/** Powertools Logger lines: one JSON object per line with a level and a message. */
function isLambdaLogLine(line: string): boolean {
  return line.startsWith('{"level":') || (line.startsWith('{') && line.includes('"level":') && line.includes('"message":'));
}

/** `passThrough: false` keeps Lambda lines off the terminal (quiet twins) while still filing them. */
export function teeLambdaLogs(file: string, options: { passThrough: boolean }): LambdaLogTee {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a', 0o600);
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    const original = originals[i];
    stream.write = function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
      if (text !== undefined && isLambdaLogLine(text)) {
        fs.writeSync(fd, text.endsWith('\n') ? text : `${text}\n`);
        if (!options.passThrough) {
          const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
          callback?.();
          return true;
        }
      }
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
  });
  return {
    stop() {
      streams.forEach((stream, i) => {
        stream.write = originals[i];
      });
      fs.closeSync(fd);
    },
  };
}
