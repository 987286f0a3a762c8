// The intrinsic resolver: each function on values a template holds, NoValue dropping, and errors for what it cannot resolve.
import { type IntrinsicScope, NO_VALUE, pseudoParameters, resolveValue, UnresolvedIntrinsicError } from '../../../local/iam/cfn-intrinsics';

const pseudo: Record<string, unknown> = pseudoParameters({
  account: '000000000000',
  region: 'us-east-1',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  stackName: 'Stack',
});

const scope: IntrinsicScope = {
  ref: (name) => (name in pseudo ? pseudo[name] : name === 'Queue' ? 'https://sqs/queue' : `ref:${name}`),
  getAtt: (id, attribute) => (attribute === 'Names' ? ['a', 'b'] : `${id}/${attribute}`),
  conditions: { IsProd: { 'Fn::Equals': ['prod', 'dev'] }, IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] } },
  mappings: { Sizes: { dev: { memory: 512 } } },
};

describe('resolveValue', () => {
  it('joins refs, attributes and pseudo parameters into one ARN', () => {
    // Prepare
    const value = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::GetAtt': ['Bucket', 'Name'] }, '/*']] };

    // Act
    const resolved = resolveValue(value, scope);

    // Assess
    expect(resolved).toBe('arn:aws:s3:::Bucket/Name/*');
  });

  it('substitutes ${Ref}, ${Id.Attr}, given variables and keeps ${!Literal} literal', () => {
    const value = { 'Fn::Sub': ['${AWS::Region}:${Table.Arn}:${Given}:${!Literal}', { Given: { Ref: 'Queue' } }] };

    expect(resolveValue(value, scope)).toBe('us-east-1:Table/Arn:https://sqs/queue:${Literal}');
  });

  it('reads Fn::GetAtt in its "Id.Attribute" string form', () => {
    expect(resolveValue({ 'Fn::GetAtt': 'Role.Arn' }, scope)).toBe('Role/Arn');
  });

  it('selects from a split and from an attribute list', () => {
    expect(resolveValue({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, scope)).toBe('b');
    expect(resolveValue({ 'Fn::Select': ['0', { 'Fn::GetAtt': ['X', 'Names'] }] }, scope)).toBe('a');
  });

  it('evaluates Fn::If through named conditions and drops AWS::NoValue from lists and objects', () => {
    const value = {
      Kept: { 'Fn::If': ['IsDev', 'dev-value', 'prod-value'] },
      Dropped: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] },
      List: ['a', { 'Fn::If': ['IsProd', 'b', { Ref: 'AWS::NoValue' }] }],
    };

    expect(resolveValue(value, scope)).toEqual({ Kept: 'dev-value', List: ['a'] });
  });

  it('finds values in mappings', () => {
    expect(resolveValue({ 'Fn::FindInMap': ['Sizes', 'dev', 'memory'] }, scope)).toBe(512);
  });

  it('leaves data with several keys (a policy Condition block) alone', () => {
    const condition = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, Bool: { 'aws:SecureTransport': 'false' } };

    expect(resolveValue(condition, scope)).toEqual({
      StringEquals: { 'aws:SourceAccount': '000000000000' },
      Bool: { 'aws:SecureTransport': 'false' },
    });
  });

  it('throws, naming where, for a function it does not know', () => {
    const value = { Statement: [{ Resource: { 'Fn::ImportValue': 'OtherStack-Arn' } }] };

    expect(() => resolveValue(value, scope, 'Policy')).toThrow(UnresolvedIntrinsicError);
    expect(() => resolveValue(value, scope, 'Policy')).toThrow(/Policy\.Statement\[0\]\.Resource: Fn::ImportValue is not supported/);
  });

  it('throws when a join gets something that is not a string', () => {
    expect(() => resolveValue({ 'Fn::Join': ['', ['a', { 'Fn::GetAtt': ['X', 'Names'] }]] }, scope)).toThrow(/expected a string/);
  });

  it('gives AWS::NoValue as the NO_VALUE marker at the top level', () => {
    expect(resolveValue({ Ref: 'AWS::NoValue' }, scope)).toBe(NO_VALUE);
  });
});
