// The aggregator's own items: claim pages (which journal counted an event) and journals (a batch's deltas and state).
import { createHash, randomBytes } from 'node:crypto';
import { AGGREGATOR_ATTRIBUTES, claimPage } from '../../contracts/table';
import { eventIdSecond } from '../../contracts/usage-event-id';
import type { UsageEvent } from '../../contracts/usage-event';

/** Bytes of an event's claim hash (SHA-256 prefix): 128 bits, so collisions within one page are not a practical concern. */
export const EVENT_HASH_BYTES = 16;

/** Counter items carry `m_<journalId>` while a journal may still be applied to them (PROTOCOL.md). */
export const MARKER_PREFIX = AGGREGATOR_ATTRIBUTES.markerPrefix;
export const markerAttribute = (journalId: string) => `${MARKER_PREFIX}${journalId}`;

/** A new journal id: 12 base36 characters (62 random bits), safe inside attribute names. */
export function newJournalId(random?: () => number): string {
  const bits = random
    ? (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32))
    : randomBytes(8).readBigUInt64BE();
  return bits.toString(36).padStart(13, '0').slice(-12);
}

/** Bytes of a payload fingerprint stored beside each claim: enough to notice an event id reused with another payload. */
export const PAYLOAD_FINGERPRINT_BYTES = 4;

/** Fingerprint of what an event counts: two deliveries of one eventId must carry the same one. */
export function payloadFingerprint(event: UsageEvent): Buffer {
  const fields = [event.clientId, event.plan, event.route, event.method, event.status, event.latencyMs, event.requestTime, event.day];
  // Only when present, so an event published before events carried units keeps the fingerprint it was claimed with.
  if (event.units !== undefined) fields.push(`u${event.units}`);
  return createHash('sha256').update(fields.join('\u0000')).digest().subarray(0, PAYLOAD_FINGERPRINT_BYTES);
}

export function eventHash(eventId: string): Buffer {
  return createHash('sha256').update(eventId).digest().subarray(0, EVENT_HASH_BYTES);
}

/**
 * The second whose claim pages hold an event's claims: the one its id carries (`usageEventId`), so every copy of an
 * id meets the same claims whatever its requestTime says; an id without one (published before ids carried it) falls
 * back to its requestTime's second. For a genuine event both are the same second, so the pages did not move.
 */
export function claimSecondOf(event: Pick<UsageEvent, 'eventId' | 'requestTime'>): number {
  return eventIdSecond(event.eventId) ?? Math.floor(Date.parse(event.requestTime) / 1000);
}

/** Whether an event's requestTime falls in another second than the one its id carries: not as its publisher built it. */
export function secondDisagrees(event: Pick<UsageEvent, 'eventId' | 'requestTime'>): boolean {
  const second = eventIdSecond(event.eventId);
  return second !== undefined && second !== Math.floor(Date.parse(event.requestTime) / 1000);
}

/** The claim page of an event: a function of its event id alone (and of the stage's shards). */
export function claimPageOf(event: Pick<UsageEvent, 'eventId' | 'requestTime'>, hash: Buffer, shards: number): string {
  const second = new Date(claimSecondOf(event) * 1000).toISOString().slice(0, 19);
  return claimPage(second, shards <= 1 ? 0 : hash[0] % shards);
}
