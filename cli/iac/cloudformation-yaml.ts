/**
 * CloudFormation's YAML: short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt a.b`, ...) read as their
 * long form, so templates are data. JSON templates are YAML too and read through the same parser,
 * which keeps each node's place in the file for line numbers.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
 */
import type { Tags } from 'yaml';

const INTRINSICS = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Length',
  'ToJsonString',
  // Rule-specific (the Rules section of a template)
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'RefAll',
  'ValueOf',
  'ValueOfAll',
];

/** Each `!Name` tag becomes the long form: `{ Ref: x }` or `{ 'Fn::Name': x }`. */
export const CLOUDFORMATION_TAGS: Tags = INTRINSICS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const resolve = (value: unknown) => ({
    [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value,
  });
  return (['scalar', 'seq', 'map'] as const).map((nodeClass) => ({
    tag: `!${name}`,
    collection: nodeClass === 'scalar' ? undefined : nodeClass,
    resolve: (value: unknown) => resolve(nodeClass === 'scalar' ? value : (value as { toJSON(): unknown }).toJSON()),
  })) as Tags;
});
