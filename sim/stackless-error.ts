// The models' errors: thousands a run, and nothing reads their stacks, so none is captured (capturing one is a
// large share of a run's time).

/** An Error without a stack trace. */
export function stacklessError(message: string): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Error(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
