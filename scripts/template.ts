/**
 * Reads CloudFormation / SAM templates as data, short-form intrinsics (`!Ref`, `!Sub`, ...)
 * included, so scripts and tests can look inside the templates we deploy.
 */
import { spawnSync } from 'node:child_process';
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

/**
 * The template after the SAM transform, run by the SAM translator (the Python package
 * `samtranslator`, which cfn-lint depends on) as CloudFormation runs it on deploy. Each function's
 * CodeUri becomes `codeUri`, as `sam package` writes it.
 */
export function samTransformed(path: string, codeUri = 's3://bucket/key'): unknown {
  const run = spawnSync('python3', ['-c', SAM_TRANSFORM, path, codeUri], {
    encoding: 'utf8',
    env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' },
  });
  if (run.error || run.status !== 0 || run.stderr !== '') {
    throw new Error(`The SAM translator failed on ${path}:\n${run.stderr || run.error?.message}`);
  }
  return JSON.parse(run.stdout) as unknown;
}

const SAM_TRANSFORM = `
import json, sys
from samtranslator.yaml_helper import yaml_parse
from samtranslator.translator.transform import transform
template = yaml_parse(open(sys.argv[1]).read())
for resource in template["Resources"].values():
    if resource["Type"] == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = sys.argv[2]
class NoManagedPolicies:
    def load(self): return {}
print(json.dumps(transform(template, {}, NoManagedPolicies())))
`;
