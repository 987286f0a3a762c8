// Key management: `npm run keys -- create|list|revoke … (--local | --stage dev|prod)`.
// The key value is printed once, at creation, and never stored or shown again.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { isPlanName, PLAN_NAMES } from '../contracts/plans';
import { listClientKeys, parseDuration } from '../capabilities/customers/key-rotation';
import { setBillingCustomer } from '../capabilities/customers/billing-customer';
import { setClientPlan } from '../capabilities/customers/client-plan';
import { topUpClientCredits } from '../capabilities/customers/client-credits';
import { auditedChange, type ChangeAudit } from '../capabilities/admin/audited-change';
import { ACTOR_FLAG, ACTOR_USAGE, auditLogOf, operatorIdentity } from './support/operator-audit';
import { bulkCreateKeys, bulkCreateOf } from './support/keys-bulk-create';
import { overrideColumn, overrideCommand, OVERRIDE_OPTIONS, OVERRIDE_USAGE, shownClient } from './support/keys-override';
import { createKey, enforcePlanChange, keyGatewayOf, type KeyTarget, revokeKey, rotateKey } from './support/key-admin';
import { apiGatewayClientUsagePlans } from '../capabilities/api-gateway/client-usage-plans';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';
import { chooseTarget, resolveTarget, stageTargetFromOutputs, TARGET_FLAGS, TARGET_USAGE, tableOf } from './support/stage-target';

const USAGE = `usage:
  npm run keys -- create --plan <${PLAN_NAMES.join('|')}> --name <name> [--expires 30d] [--json] ${TARGET_USAGE}
  npm run keys -- create --plan <gate plan> --name <prefix> --count <n> --out <file> ${TARGET_USAGE}
      (many clients of a gate plan, named <prefix>-1…<prefix>-n; their keys go to <file>, a new file of mode 0600, one JSON line each)
  npm run keys -- list [--json] ${TARGET_USAGE}
  npm run keys -- revoke <clientId> ${TARGET_USAGE}
  npm run keys -- rotate <clientId> [--grace 24h] [--expires 30d] [--json] ${TARGET_USAGE}
  npm run keys -- set-plan <clientId> <${PLAN_NAMES.join('|')}> [--json] ${TARGET_USAGE}
  npm run keys -- set-customer <clientId> <cus_…> ${TARGET_USAGE}
  npm run keys -- top-up <clientId> --units <n> [--json] ${TARGET_USAGE}   (gate plans: prepaid credits, kept in a ledger)
${OVERRIDE_USAGE}
Every change (create, revoke, rotate, set-plan, set-customer, top-up, override) writes one record to the admin audit log.
${ACTOR_USAGE}
Durations: 30s, 15m, 24h, 7d, or 0 (--grace 0: the old key is refused at once).
--local uses the twin started with the same PORT (default 3000); --stage uses the deployed stack MeteredApi-<stage>.`;

/** The key use cases' target (the twin's table and gateway, or a stage's table and API Gateway) and its audit log. */
async function targetFrom(values: { local?: boolean; stage?: string; actor?: string }): Promise<KeyTarget & { changes: ChangeAudit }> {
  const target = await resolveTarget(chooseTarget(values));
  const store = tableOf(target);
  const changes: ChangeAudit = {
    audit: auditLogOf(target),
    who: await operatorIdentity(target, values.actor),
    store,
    onUnstored: (record, error) => console.error(`keys: warning: audit record not stored (${error.message}): ${JSON.stringify(record)}`),
  };
  if (target.kind === 'local') return { store, twin: target.twin, changes };
  const stage = stageTargetFromOutputs(target.outputs);
  return {
    store,
    gateway: { client: new APIGatewayClient({}), usagePlanIds: stage.usagePlanIds, restApiId: stage.restApiId, stageName: stage.stageName },
    changes,
  };
}

function durationFrom(text: string, option: string): number {
  try {
    return parseDuration(text, option);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--expires 30d` → the moment the key stops working; none when absent. */
function expiryFrom(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const ms = durationFrom(text, '--expires');
  if (ms === 0) throw new UsageError('--expires must be longer than 0');
  return new Date(Date.now() + ms);
}

async function main(argv: string[]): Promise<undefined> {
  const { values, positionals } = parseFlags(
    argv,
    {
      plan: { type: 'string' },
      name: { type: 'string' },
      grace: { type: 'string' },
      expires: { type: 'string' },
      json: { type: 'boolean' },
      units: { type: 'string' },
      count: { type: 'string' },
      out: { type: 'string' },
      ...TARGET_FLAGS,
      ...ACTOR_FLAG,
      ...OVERRIDE_OPTIONS,
    },
    true,
  );
  const [command, ...rest] = positionals;
  if (!command) throw new UsageError('name a command: create, list, revoke, rotate, set-plan, set-customer, override or top-up');

  switch (command) {
    case 'create': {
      if (!values.plan || !isPlanName(values.plan))
        throw new UsageError(`--plan must be one of ${PLAN_NAMES.join(', ')}, got ${JSON.stringify(values.plan ?? '')}`);
      const name = values.name?.trim();
      if (!name || name.length > 64) throw new UsageError('--name is required (1–64 characters)');
      if (values.count !== undefined || values.out !== undefined) {
        const request = bulkCreateOf({ plan: values.plan, name, count: values.count, out: values.out, expires: values.expires });
        const started = performance.now();
        const created = await bulkCreateKeys(await targetFrom(values), request, (n) => console.error(`keys: ${n} created`));
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `created ${created} clients on plan ${request.plan} in ${seconds.toFixed(1)} s; their keys are in ${request.outFile} (mode 0600, one JSON line each)`,
        );
        return;
      }
      const keyExpiresAt = expiryFrom(values.expires);
      const target = await targetFrom(values);
      const plan = values.plan;
      const created = await auditedChange(
        target.changes,
        'keys create',
        undefined,
        () => createKey(target, plan, name, { keyExpiresAt }),
        (c) => c.clientId,
      );
      if (values.json) console.log(JSON.stringify({ apiKey: created.apiKey, clientId: created.clientId, plan: created.plan }));
      else console.log(`created client ${created.clientId} on plan ${created.plan}\napi key (shown once, store it now): ${created.apiKey}`);
      if (!values.json && keyExpiresAt) console.log(`the key expires at ${keyExpiresAt.toISOString()}`);
      return;
    }
    case 'rotate': {
      const clientId = rest[0];
      if (!clientId) throw new UsageError('rotate needs a clientId: npm run keys -- rotate <clientId> [--grace 24h] --local');
      const graceMs = durationFrom(values.grace ?? '24h', '--grace');
      const keyExpiresAt = expiryFrom(values.expires);
      const target = await targetFrom(values);
      const rotated = await auditedChange(target.changes, 'keys rotate', clientId, () =>
        rotateKey(target, clientId, { graceMs, keyExpiresAt }),
      );
      if (values.json) console.log(JSON.stringify(rotated));
      else
        console.log(
          `rotated the key of ${rotated.clientId} (plan ${rotated.plan}); the old key works until ${rotated.oldKeyValidUntil}\nnew api key (shown once, store it now): ${rotated.apiKey}`,
        );
      return;
    }
    case 'list': {
      let skipped = 0;
      const clients = await listClientKeys((await targetFrom(values)).store, new Date(), (bad) => {
        skipped++;
        console.error(`keys: skipped a malformed client record (${bad.sk}: ${bad.fields.join(', ')})`);
      });
      if (skipped > 0) console.error(`keys: ${skipped} malformed client record(s) skipped`);
      // Usage keys and API Gateway ids are plumbing, not for display.
      if (values.json) console.log(JSON.stringify(clients.map(shownClient)));
      else
        console.table(
          clients.map((c) => ({
            clientId: c.clientId,
            name: c.name,
            plan: c.plan,
            status: c.status,
            createdAt: c.createdAt,
            keys: c.keys,
            keyExpiresAt: c.keyExpiresAt ?? '',
            oldKeysValidUntil: c.oldKeysValidUntil ?? '',
            override: overrideColumn(c),
          })),
        );
      return;
    }
    case 'revoke': {
      const clientId = rest[0];
      if (!clientId) throw new UsageError('revoke needs a clientId: npm run keys -- revoke <clientId> --local');
      const target = await targetFrom(values);
      const revoked = await auditedChange(target.changes, 'keys revoke', clientId, () => revokeKey(target, clientId));
      console.log(
        `revoked ${clientId}: its ${revoked.keysRevoked === 1 ? 'key is' : `${revoked.keysRevoked} keys are`} refused from now on (${revoked.usageKey || revoked.apiGatewayKeyId ? 'usage key disabled, ' : ''}authorizer cache flushed)`,
      );
      if (revoked.malformed)
        console.error(
          `keys: the client record of ${clientId} is malformed (fields: ${revoked.malformed.fields.join(', ')}); its keys were revoked, fix the record`,
        );
      return;
    }
    case 'set-plan': {
      const [clientId, plan] = rest;
      if (!clientId || !isPlanName(plan))
        throw new UsageError(
          `set-plan needs a clientId and a plan (${PLAN_NAMES.join(', ')}): npm run keys -- set-plan <clientId> <plan> --local`,
        );
      const target = await targetFrom(values);
      const gateway = target.gateway && apiGatewayClientUsagePlans(target.gateway.client, target.gateway);
      const change = await auditedChange(target.changes, 'keys set-plan', clientId, () =>
        setClientPlan(target.store, clientId, plan, { gateway, keys: keyGatewayOf(target) }),
      );
      let flushed = change.before === change.after && !change.removedOverride;
      // The change is stored either way; a failed flush only delays it to the end of the authorizer cache TTL.
      if (!flushed)
        flushed = await enforcePlanChange(target, clientId).then(
          () => true,
          (error: Error) => (console.error(`keys: warning: ${error.message}`), false),
        );
      if (values.json) console.log(JSON.stringify(change));
      else
        console.log(
          `client ${clientId}: plan ${change.before} → ${change.after} (${flushed ? 'in force from the next request: authorizer cache flushed' : 'in force once cached authorizer results expire'})`,
        );
      if (change.removedOverride && !values.json) console.log(`client ${clientId}: its override is removed`);
      if (change.leftoverUsagePlanId)
        console.error(`keys: the emptied usage plan ${change.leftoverUsagePlanId} could not be deleted; delete it by hand`);
      return;
    }
    case 'override': {
      await overrideCommand(rest, values, { targetFrom, enforce: enforcePlanChange });
      return;
    }
    case 'set-customer': {
      const [clientId, customerId] = rest;
      if (!clientId || !customerId)
        throw new UsageError(
          'set-customer needs a clientId and a Stripe customer id: npm run keys -- set-customer <clientId> <cus_…> --local',
        );
      const target = await targetFrom(values);
      await auditedChange(target.changes, 'keys set-customer', clientId, () => setBillingCustomer(target.store, clientId, customerId));
      console.log(`client ${clientId}: billed to its Stripe customer in \`usage:export --format stripe\``);
      return;
    }
    case 'top-up': {
      const clientId = rest[0];
      const units = Number(values.units);
      if (!clientId || !/^\d+$/.test(values.units ?? '') || !Number.isSafeInteger(units) || units < 1)
        throw new UsageError(
          'top-up needs a clientId and --units, a whole number of at least 1: npm run keys -- top-up <clientId> --units 1000 --local',
        );
      const { store, changes } = await targetFrom(values);
      const { entry, balance } = await auditedChange(changes, 'keys top-up', clientId, () =>
        topUpClientCredits(store, { clientId, units, by: changes.who, now: new Date() }),
      );
      if (values.json) console.log(JSON.stringify({ ...entry, balance }));
      else console.log(`client ${clientId}: +${entry.units} units (top-up ${entry.topUpId}); balance ${balance} units`);
      return;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

export const keysCommand: Command = { name: 'keys', usage: USAGE, run: main };

runCommand(keysCommand, module);
