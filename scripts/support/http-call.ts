// One HTTP call to a stage or the twin, its answer read whole: the contract suite's calls and the e2e tests' use it.

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON answers, checked field by field
  readonly json: any;
}

export interface CallOptions {
  /** Sent as `x-api-key`. */
  readonly key?: string;
  /** Sent as JSON (with `content-type: application/json` unless a header says otherwise). */
  readonly body?: unknown;
  /** Sent as it is (malformed bodies). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

/** Calls `baseUrl + path`; `json` is the parsed body, or undefined where the body is not JSON. */
export async function httpCall(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['x-api-key'] = options.key;
  let body = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
