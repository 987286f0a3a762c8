// The aggregator gets the stage's claimShards as CLAIM_SHARDS, and its handler passes it to createAggregator.
import { SERVICE } from '../../contracts/metrics';
import { STAGES, type StageName } from '../../contracts/stages';
import { templateFor } from './support/synth';
import { functionByService } from './support/template';

describe.each(['dev', 'prod'] as StageName[])('claim shards (%s)', (stageName) => {
  test('the aggregator function carries the stage setting', () => {
    const [[, aggregator]] = functionByService(templateFor(stageName), SERVICE.aggregator);
    expect(aggregator.Properties.Environment.Variables.CLAIM_SHARDS).toBe(String(STAGES[stageName].claimShards));
  });

  test('the setting is a whole number of shards, at least 1', () => {
    const { claimShards } = STAGES[stageName];
    expect(Number.isInteger(claimShards) && claimShards >= 1).toBe(true);
  });
});
