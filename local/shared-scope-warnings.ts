// All functions share the twin's process, so concurrent invocations share the handlers' module-scope
// Powertools Metrics object (in AWS each execution environment serves one request at a time). Its
// warnings about that (meaningless here: metrics are off locally) are dropped from stderr.
const NOISE = /^(Dimension "[^"]+" has already been added|No application metrics to publish)/;

/** Filters the warnings out of process.stderr; returns a function that restores it. */
export function dropSharedScopeWarnings(): () => void {
  const original = process.stderr.write;
  const write = original.bind(process.stderr) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    (typeof chunk === 'string' && NOISE.test(chunk) ? true : write(chunk, ...rest))) as typeof process.stderr.write;
  return () => { process.stderr.write = original; };
}
