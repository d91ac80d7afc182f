/** scripts/compare-templates.ts: what decides whether a reshaped template still deploys the same. */
import { describe, expect, it } from 'vitest';
import { differences } from '../../scripts/compare-templates';

describe('differences between two templates', () => {
  const before = {
    Resources: {
      Rule: {
        Type: 'AWS::Config::ConfigRule',
        Properties: { Source: { SourceDetails: [{ MessageType: 'A' }, { MessageType: 'B' }] } },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: { Description: 'x', Path: '/' } },
    },
  };

  it('ignores key order, and names the exact path of a changed, added or removed value', () => {
    expect(
      differences(before, {
        Resources: {
          Role: { Properties: { Path: '/', Description: 'x' }, Type: 'AWS::IAM::Role' },
          Rule: before.Resources.Rule,
        },
      }),
    ).toEqual([]);
    const after = structuredClone(before) as typeof before & { Resources: Record<string, unknown> };
    after.Resources.Rule.Properties.Source.SourceDetails[1]!.MessageType = 'C';
    delete (after.Resources.Role.Properties as { Path?: string }).Path;
    after.Resources.Extra = { Type: 'AWS::SNS::Topic' };
    expect(differences(before, after)).toEqual([
      'Resources.Rule.Properties.Source.SourceDetails[1].MessageType',
      'Resources.Role.Properties.Path',
      'Resources.Extra',
    ]);
  });

  it('treats a list that changed length, or changed order, as changed', () => {
    const reordered = structuredClone(before);
    reordered.Resources.Rule.Properties.Source.SourceDetails.reverse();
    expect(differences(before, reordered)).toEqual([
      'Resources.Rule.Properties.Source.SourceDetails[0].MessageType',
      'Resources.Rule.Properties.Source.SourceDetails[1].MessageType',
    ]);
    const shorter = structuredClone(before);
    shorter.Resources.Rule.Properties.Source.SourceDetails.pop();
    expect(differences(before, shorter)).toEqual(['Resources.Rule.Properties.Source.SourceDetails']);
  });
});
