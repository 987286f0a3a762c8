// AWS's hard limits that the stack's code relies on, as the twin enforces them (each with where AWS states
// it and the error it answers with; docs/local-twin.md lists them).

/** API Gateway: "API keys per account per Region | 10000 | No" and "CreateApiKey | 5 requests per second per account". */
export const API_GATEWAY_KEYS = {
  perAccountAndRegion: 10_000,
  createPerSecond: 5,
} as const;

/**
 * Lambda, synchronous invocation: the request payload (the event as JSON) must be smaller than 6 MiB
 * (`RequestEntityTooLargeException`, "Request must be smaller than 6291456 bytes for the InvokeFunction
 * operation"); the response may be 100 bytes more (`Function.ResponseSizeTooLarge`).
 */
export const LAMBDA_SYNC_PAYLOAD = {
  requestBytes: 6_291_456,
  responseBytes: 6_291_556,
} as const;

/**
 * EventBridge PutEvents: at most 10 entries, and the entries' total size (Time 14 bytes, Source, DetailType,
 * Detail and each Resources entry in UTF-8) under 1 MiB (the API reference of the SDK this repository
 * installs; 256 KB until AWS raised it). Over either, the whole request fails with a ValidationException.
 */
export const EVENTBRIDGE_PUT_EVENTS = {
  maxEntries: 10,
  maxTotalEntryBytes: 1_048_576,
} as const;

/**
 * SQS: a message (body and attributes) of at most the queue's MaximumMessageSize, 1 MiB by default and at most
 * (256 KiB until August 2025); fauxqs enforces it per queue with SQS's InvalidParameterValue.
 */
export const SQS_MESSAGE = {
  maxBytes: 1_048_576,
} as const;
