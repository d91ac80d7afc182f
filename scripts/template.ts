/**
 * Reads CloudFormation / SAM templates as data, short-form intrinsics (`!Ref`, `!Sub`, ...)
 * included, so scripts and tests can look inside the templates we deploy.
 */
import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

const INTRINSICS = [
  'Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString',
  // Rule-specific (the Rules section of a template)
  'Contains', 'EachMemberEquals', 'EachMemberIn', 'RefAll', 'ValueOf', 'ValueOfAll',
];

/** Each `!Name` tag becomes the long form: `{ Ref: x }` or `{ 'Fn::Name': x }`. */
const customTags: Tags = INTRINSICS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const resolve = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value });
  return (['scalar', 'seq', 'map'] as const).map((nodeClass) => ({
    tag: `!${name}`,
    collection: nodeClass === 'scalar' ? undefined : nodeClass,
    resolve: (value: unknown) => resolve(nodeClass === 'scalar' ? value : (value as { toJSON(): unknown }).toJSON()),
  })) as Tags;
});

export interface TemplateResource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface Template {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, unknown>;
}

export function readTemplate(path: string): Template {
  return parse(readFileSync(path, 'utf8'), { customTags, uniqueKeys: true }) as Template;
}
