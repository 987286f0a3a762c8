// Powertools Metrics writes its warnings straight to stderr, whatever the log level. Metrics are off in
// the twin, so "No application metrics to publish" is noise; "Dimension … has already been added" comes
// from environments that share one module instance, which happens only under Jest (one registry per
// test file; see lambda-runtime.ts). Both are dropped from stderr.
const NOISE = /^(Dimension "[^"]+" has already been added|No application metrics to publish)/;

/** Filters the warnings out of process.stderr; returns a function that restores it. */
export function dropSharedScopeWarnings(): () => void {
  const original = process.stderr.write;
  const write = original.bind(process.stderr) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && NOISE.test(chunk) ? true : write(chunk, ...rest)) as typeof process.stderr.write;
  return () => {
    process.stderr.write = original;
  };
}
