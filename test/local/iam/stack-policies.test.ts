// The twin's IAM view of the real dev and prod templates: every twin function has its role and policies,
// every ARN is a plain string in the twin's world, the usage queue keeps its sender Deny, the cache is used
// and invalidated, and a template the twin cannot place fails loudly.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROUTES } from '../../../contracts/routes';
import type { StageName } from '../../../contracts/stages';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../local/fake-aws';
import type { CfnTemplate } from '../../../local/iam/cfn-intrinsics';
import type { PolicyDocument, PolicyStatement } from '../../../local/iam/policy-types';
import { extractStackAccess, loadStackAccess, type StackAccess } from '../../../local/iam/stack-policies';
import {
  EXTRACTOR_INPUTS,
  PROJECT_ROOT,
  stageInputsHash,
  synthesizeStageTemplate,
  TEMPLATE_INPUTS,
} from '../../../local/iam/stage-template';
import { TWIN_FUNCTIONS } from '../../../local/iam/twin-functions';
import { LOCAL_NAMES } from '../../../local/resources';

/** Real synthesis in a child process, counted. */
function countingSynth() {
  const calls: StageName[] = [];
  const templates: Partial<Record<StageName, CfnTemplate>> = {};
  const synthesize = async (stage: StageName, root: string) => {
    calls.push(stage);
    const template = await synthesizeStageTemplate(stage, root);
    templates[stage] = template;
    return template;
  };
  return { calls, templates, synthesize };
}

const statementsOf = (document: PolicyDocument): PolicyStatement[] => [document.Statement].flat() as PolicyStatement[];

/** Every value of every policy the twin will evaluate (identity, resource, operators). */
function allDocuments(access: StackAccess): PolicyDocument[] {
  return [
    ...Object.values(access.functions).flatMap((f) => f.policies),
    ...Object.values(access.resourcePolicies),
    ...Object.values(access.operators).flat(),
  ];
}

/** Resources, principals and condition values: everything that names an ARN. */
function arnsOf(statement: PolicyStatement): unknown[] {
  const principals = [statement.Principal, statement.NotPrincipal].flatMap((p) =>
    p === undefined || p === '*' ? [] : Object.values(p).flat(),
  );
  const conditions = Object.values(statement.Condition ?? {}).flatMap((block) => Object.values(block).flat());
  const resources: unknown[] = [statement.Resource, statement.NotResource].flat().filter((r) => r !== undefined);
  return [...resources, ...principals, ...conditions];
}

describe('loadStackAccess on the real templates', () => {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'stack-access-'));
  const synth = countingSynth();
  let dev: StackAccess;
  let prod: StackAccess;

  beforeAll(async () => {
    [dev, prod] = await Promise.all([
      loadStackAccess({ stage: 'dev', cacheDir, synthesize: synth.synthesize }),
      loadStackAccess({ stage: 'prod', cacheDir, synthesize: synth.synthesize }),
    ]);
  }, 300_000);
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('gives every twin function a role of its own with at least one identity policy, in both stages', () => {
    for (const access of [dev, prod]) {
      expect(Object.keys(access.functions).sort()).toEqual(TWIN_FUNCTIONS.map((f) => f.id).sort());
      for (const [id, fn] of Object.entries(access.functions)) {
        expect({ id, policies: fn.policies.length >= 1 }).toEqual({ id, policies: true });
        expect(fn.roleArn).toBe(`arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${fn.roleName}`);
        expect(fn.roleName.startsWith(`${access.stackName}-`)).toBe(true);
      }
      const roles = Object.values(access.functions).map((f) => f.roleArn);
      expect(new Set(roles).size).toBe(roles.length);
    }
    expect(prod.stage).toBe('prod');
    expect(prod.functions.aggregator.roleArn).not.toBe(dev.functions.aggregator.roleArn);
  });

  it('leaves no intrinsic and no unresolved value in any policy: every ARN is a plain string', () => {
    for (const access of [dev, prod]) {
      expect(JSON.stringify(access)).not.toMatch(/"Ref"|"Fn::|\$\{Token\[/);
      const arns = allDocuments(access).flatMap(statementsOf).flatMap(arnsOf);
      expect(arns.length).toBeGreaterThan(20);
      for (const arn of arns) {
        expect(typeof arn === 'string' || typeof arn === 'number' || typeof arn === 'boolean').toBe(true);
        expect(String(arn)).not.toContain('{');
        if (String(arn).startsWith('arn:')) expect(String(arn)).toMatch(/^arn:aws:[a-z0-9-]+:(us-east-1)?:(000000000000)?:/);
      }
      for (const arn of Object.keys(access.resourcePolicies))
        expect(arn).toMatch(/^arn:aws:[a-z0-9-]+:(us-east-1)?:(000000000000)?:[^{}]+$/);
    }
  });

  it("resolves the twin's resources to the twin's own names", () => {
    const region = LOCAL_REGION;
    const account = LOCAL_ACCOUNT_ID;
    expect(dev.resources).toMatchObject({
      tableArn: `arn:aws:dynamodb:${region}:${account}:table/${LOCAL_NAMES.tableName}`,
      usageQueueArn: `arn:aws:sqs:${region}:${account}:${LOCAL_NAMES.usageQueue}`,
      deadLetterQueueArn: `arn:aws:sqs:${region}:${account}:${LOCAL_NAMES.deadLetterQueue}`,
      archiveBucketArn: `arn:aws:s3:::${LOCAL_NAMES.archiveBucket}`,
    });
    expect(dev.resources.alertBusArn).toMatch(/:event-bus\/metered-api-dev-alerts$/);
    expect(prod.resources.alertBusArn).toMatch(/:event-bus\/metered-api-prod-alerts$/);
  });

  it("grants the aggregator the table and the usage queue by the twin's ARNs", () => {
    const statements = dev.functions.aggregator.policies.flatMap(statementsOf);
    const on = (arn: string) => statements.filter((s) => [s.Resource].flat().includes(arn)).flatMap((s) => [s.Action].flat());

    expect(on(dev.resources.tableArn)).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:Query']));
    expect(on(dev.resources.usageQueueArn)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
  });

  it('keeps the usage queue policy: an explicit Deny of SendMessage to every principal but the route roles and the operator role', () => {
    const policy = dev.resourcePolicies[dev.resources.usageQueueArn];
    expect(policy).toBeDefined();
    const deny = statementsOf(policy).find((s) => s.Effect === 'Deny' && [s.Action].flat().includes('sqs:SendMessage'));
    const allowedSenders = deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn'];

    const operatorRole = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/metered-api-dev-operator`;
    expect([allowedSenders].flat().sort()).toEqual([...ROUTES.map((route) => dev.functions[route.id].roleArn), operatorRole].sort());
    expect([allowedSenders].flat()).not.toContain(dev.functions.aggregator.roleArn);
  });

  it('uses the cache on the second call, with the same result', async () => {
    expect(synth.calls.sort()).toEqual(['dev', 'prod']);

    const again = await loadStackAccess({ stage: 'dev', cacheDir, synthesize: synth.synthesize });

    expect(synth.calls).toHaveLength(2);
    expect(again).toEqual(dev);
    expect(readdirSync(cacheDir).sort()).toEqual([
      `stack-access-dev-${dev.templateHash.slice(0, 16)}.json`,
      `stack-access-prod-${prod.templateHash.slice(0, 16)}.json`,
    ]);
  });

  describe('on a copy of the inputs', () => {
    let root: string;
    let copyCache: string;
    const calls: string[] = [];
    const synthesize = async (stage: StageName) => {
      calls.push(stage);
      return synth.templates[stage]!;
    };
    const load = () => loadStackAccess({ stage: 'dev', cacheDir: copyCache, projectRoot: root, synthesize });

    beforeAll(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'stack-inputs-'));
      copyCache = path.join(root, '.cache');
      for (const input of [...TEMPLATE_INPUTS, ...EXTRACTOR_INPUTS]) {
        cpSync(path.join(PROJECT_ROOT, input), path.join(root, input), { recursive: true });
      }
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('synthesizes again when a template input changes, and not when another file does', async () => {
      const first = await load();
      await load();
      expect(calls).toHaveLength(1);

      writeFileSync(path.join(root, 'README.md'), 'not an input');
      await load();
      expect(calls).toHaveLength(1);

      const construct = path.join(root, 'lib/constructs/usage-store.ts');
      writeFileSync(construct, `${readFileSync(construct, 'utf8')}\n// changed\n`);
      const second = await load();

      expect(calls).toHaveLength(2);
      expect(second.templateHash).not.toBe(first.templateHash);
      expect(readdirSync(copyCache)).toEqual([`stack-access-dev-${second.templateHash.slice(0, 16)}.json`]);
    });

    it('changes the hash with each kind of input: cdk.json, the lock file, a new contract, the extractor', () => {
      const hashes = [stageInputsHash(root, 'dev')];
      const touch = (file: string) => {
        const absolute = path.join(root, file);
        writeFileSync(absolute, `${existsSync(absolute) ? readFileSync(absolute, 'utf8') : ''} `);
        hashes.push(stageInputsHash(root, 'dev'));
      };
      touch('cdk.json');
      touch('package-lock.json');
      touch('contracts/new-contract.ts');
      touch('local/iam/twin-counterparts.ts');
      hashes.push(stageInputsHash(root, 'prod'));

      expect(new Set(hashes).size).toBe(hashes.length);
    });
  });

  it('lists every module the extraction and the synthesis load among the hashed inputs', () => {
    const covered = (file: string) =>
      (EXTRACTOR_INPUTS as readonly string[]).includes(file) ||
      TEMPLATE_INPUTS.some((input) => file === input || file.startsWith(`${input}/`));
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)) {
        const target = path.relative(PROJECT_ROOT, path.resolve(path.dirname(path.join(PROJECT_ROOT, file)), specifier));
        visit(existsSync(path.join(PROJECT_ROOT, `${target}.ts`)) ? `${target}.ts` : path.join(target, 'index.ts'));
      }
    };
    visit('local/iam/stack-policies.ts');
    visit('local/iam/synth-stage.ts');

    expect([...seen].filter((file) => !covered(file))).toEqual([]);
    expect(seen.size).toBeGreaterThan(EXTRACTOR_INPUTS.length);
  });

  describe('a template the twin cannot place', () => {
    const extract = (template: CfnTemplate) => extractStackAccess(template, { stage: 'dev', templateHash: 'test' });
    const devTemplate = () => structuredClone(synth.templates.dev!) as { Resources: Record<string, any> };
    const logicalIdOf = (template: { Resources: Record<string, any> }, type: string, test: (properties: any) => boolean) =>
      Object.entries(template.Resources).find(([, r]) => r.Type === type && test(r.Properties ?? {}))![0];

    it('fails when a function of the stack is no twin function', () => {
      const template = devTemplate();
      const hello = logicalIdOf(template, 'AWS::IAM::Role', (p) => String(p.Description).includes('functions/hello/'));
      template.Resources.StrayRole = {
        ...template.Resources[hello],
        Properties: { ...template.Resources[hello].Properties, Description: 'Runs something else' },
      };
      const helloFunction = logicalIdOf(template, 'AWS::Lambda::Function', (p) => p.Role?.['Fn::GetAtt']?.[0] === hello);
      template.Resources.StrayFunction = {
        ...template.Resources[helloFunction],
        Properties: { ...template.Resources[helloFunction].Properties, Role: { 'Fn::GetAtt': ['StrayRole', 'Arn'] } },
      };

      expect(() => extract(template as CfnTemplate)).toThrow(/no twin function.*StrayFunction/);
    });

    it('fails when a twin function has no function in the template', () => {
      const template = devTemplate();
      const role = logicalIdOf(template, 'AWS::IAM::Role', (p) => String(p.Description).includes('functions/daily-job/'));
      delete template.Resources[logicalIdOf(template, 'AWS::Lambda::Function', (p) => p.Role?.['Fn::GetAtt']?.[0] === role)];

      expect(() => extract(template as CfnTemplate)).toThrow(/daily-job \(functions\/daily-job\/handler\.ts\)/);
    });

    it('fails on an intrinsic it cannot resolve in a policy, naming the policy', () => {
      const template = devTemplate();
      const policy = logicalIdOf(template, 'AWS::IAM::Policy', () => true);
      template.Resources[policy].Properties.PolicyDocument.Statement[0].Resource = { 'Fn::ImportValue': 'Elsewhere' };

      expect(() => extract(template as CfnTemplate)).toThrow(new RegExp(`${policy}.*Fn::ImportValue`));
    });

    it('takes a template managed policy attached to a function role as one of its policies, and lists AWS-managed ones by ARN', () => {
      const template = devTemplate();
      const role = dev.functions.aggregator.roleLogicalId;
      const archiveObjects = { 'Fn::Sub': `\${${dev.resources.logicalIds.archiveBucket}.Arn}/usage/*` };
      template.Resources.SharedReads = {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: archiveObjects }] } },
      };
      const awsManaged = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' };
      template.Resources[role].Properties.ManagedPolicyArns = [{ Ref: 'SharedReads' }, awsManaged];

      const access = extract(template as CfnTemplate);

      expect(access.functions.aggregator.policies).toContainEqual({
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${dev.resources.archiveBucketArn}/usage/*` }],
      });
      expect([...access.functions.aggregator.managedPolicyArns].sort()).toEqual([
        `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/${access.stackName}-SharedReads`,
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      ]);
      // A managed policy on a function role is that function's, never an operator's.
      expect(Object.keys(access.operators)).not.toContain('SharedReads');
    });

    it("joins the event bus's policies into one resource policy keyed by the bus ARN", () => {
      const template = devTemplate();
      const bus = { Ref: dev.resources.logicalIds.alertBus };
      template.Resources.BusPolicyA = {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: bus,
          StatementId: 'A',
          Statement: {
            Sid: 'A',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::GetAtt': [dev.functions.admin.roleLogicalId, 'Arn'] } },
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': [dev.resources.logicalIds.alertBus, 'Arn'] },
          },
        },
      };
      template.Resources.BusPolicyB = {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: { EventBusName: bus, StatementId: 'B', Action: 'events:PutEvents', Principal: '111111111111' },
      };

      const policy = extract(template as CfnTemplate).resourcePolicies[dev.resources.alertBusArn];
      const stackOwn = statementsOf(dev.resourcePolicies[dev.resources.alertBusArn]);

      // The stack's own bus statements (only the alert senders may put events), then the two added.
      expect(statementsOf(policy)).toEqual([
        ...stackOwn,
        {
          Sid: 'A',
          Effect: 'Allow',
          Principal: { AWS: dev.functions.admin.roleArn },
          Action: 'events:PutEvents',
          Resource: dev.resources.alertBusArn,
        },
        {
          Sid: 'B',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:root' },
          Action: 'events:PutEvents',
          Resource: dev.resources.alertBusArn,
        },
      ]);
    });

    it('exposes a managed policy attached to no function role under operators', () => {
      const template = devTemplate();
      template.Resources.OperatorsPolicy = {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::GetAtt': [dev.resources.logicalIds.table, 'Arn'] } }],
          },
        },
      };

      const access = extract(template as CfnTemplate);

      expect(access.operators.OperatorsPolicy).toEqual([
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: dev.resources.tableArn }] },
      ]);
    });
  });
});
