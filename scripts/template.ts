/**
 * Reads CloudFormation / SAM templates as data, short-form intrinsics (`!Ref`, `!Sub`, ...)
 * included, so scripts and tests can look inside the templates we deploy.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CLOUDFORMATION_TAGS } from '../cli/iac/cloudformation-yaml';

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
  return parse(readFileSync(path, 'utf8'), { customTags: CLOUDFORMATION_TAGS, uniqueKeys: true }) as Template;
}
