// Topping up a client's prepaid credits, the use case `npm run keys -- top-up` (and an admin route) share: only an
// existing client on a gate plan holds credits (gateway plans are admitted by API Gateway, which cannot take them).
import { isGatePlan } from '../../contracts/plans';
import { getClient, UnknownClientError } from './client-store';
import { type LedgerEntry, type TopUp, topUpCredits } from '../gate/credits';
import type { GateStore } from '../gate/gate';

/** A top-up asked for a client whose plan is admitted by API Gateway: its credits would never be taken. */
export class NotAGatePlanError extends Error {
  constructor(
    readonly clientId: string,
    readonly plan: string,
  ) {
    super(`client ${clientId} is on plan ${plan}, which is not admitted by the gate: only gate-plan clients hold credits`);
    this.name = 'NotAGatePlanError';
  }
}

export async function topUpClientCredits(store: GateStore, request: TopUp): Promise<{ entry: LedgerEntry; balance: number }> {
  const client = await getClient(store, request.clientId);
  if (!client) throw new UnknownClientError(request.clientId);
  if (!isGatePlan(client.plan)) throw new NotAGatePlanError(client.clientId, client.plan);
  return topUpCredits(store, request);
}
