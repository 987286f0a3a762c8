// Announces each correction revision of a closed month's statement: one `Usage Statement Corrected` event per
// revision on the stage's alert bus, at least once. A revision is announced when its marker object
// (`statements/month=M/corrections/rN.announced.json`) exists; the marker is written only after the event was
// accepted, so a crash in between sends the same event (same `detail.eventId`) again on the next run.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { putEvents } from '../aws/eventbridge-client';
import { STATEMENT_EVENTS } from '../../contracts/billing';
import { type CounterArchive, getObject, putVerified } from '../archive/counter-archive';
import { type StatementManifest, statementKeys } from './statement-files';

export interface StatementCorrected {
  /** Stable per month and revision: consumers dedupe on it. */
  readonly eventId: string;
  readonly month: string;
  readonly revision: number;
  readonly reason: string;
  readonly clients: number;
  /** Requests of this revision; `previousRequests` those of the one before it (revision 1 is the closed statement). */
  readonly requests: number;
  readonly previousRequests: number;
  readonly requestsDelta: number;
  /** Format 2: billable units of this revision minus those of the one before it, and the client-days they change. */
  readonly billableUnitsDelta?: number;
  readonly billableDays?: number;
  /** The manifest listing every revision's files (and `billableDays`: what the billing push sends for it). */
  readonly manifestKey: string;
}

/** Sends events; must throw unless every one was accepted. */
export type PublishCorrections = (events: readonly StatementCorrected[]) => Promise<void>;

const markerKey = (month: string, revision: number) =>
  `${statementKeys(month).manifest.replace(/manifest\.json$/, '')}corrections/r${revision}.announced.json`;

/** The events of every correction the manifest lists (pure). */
export function correctionEvents(manifest: StatementManifest): StatementCorrected[] {
  return (manifest.corrections ?? []).map((c) => ({
    eventId: `usage-statement-corrected:${manifest.month}:r${c.revision}`,
    month: manifest.month,
    revision: c.revision,
    reason: c.reason,
    clients: c.clients,
    requests: c.requests,
    previousRequests: c.requests - c.requestsDelta,
    requestsDelta: c.requestsDelta,
    ...(c.billableUnitsDelta === undefined ? {} : { billableUnitsDelta: c.billableUnitsDelta }),
    ...(c.billableDays === undefined ? {} : { billableDays: c.billableDays.length }),
    manifestKey: statementKeys(manifest.month).manifest,
  }));
}

/** Sends the events of the manifest's corrections not announced yet, then marks them; returns those sent. */
export async function announceCorrections(
  archive: CounterArchive,
  manifest: StatementManifest,
  publish: PublishCorrections,
): Promise<StatementCorrected[]> {
  const unannounced: StatementCorrected[] = [];
  for (const event of correctionEvents(manifest)) {
    if (!(await getObject(archive, markerKey(event.month, event.revision)))) unannounced.push(event);
  }
  if (unannounced.length === 0) return [];
  await publish(unannounced);
  await putVerified(
    archive,
    unannounced.map((event) => ({
      key: markerKey(event.month, event.revision),
      body: Buffer.from(`${JSON.stringify(event)}\n`),
      contentType: 'application/json',
    })),
  );
  return unannounced;
}

/** PutEvents to `eventBusName` (10 entries per call); any refused entry fails the send. */
export function eventBridgePublisher(client: EventBridgeClient, eventBusName: string): PublishCorrections {
  return (events) => putEvents(client, eventBusName, STATEMENT_EVENTS, events, 'statement');
}
