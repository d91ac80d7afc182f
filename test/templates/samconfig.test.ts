/**
 * The README's deploy commands must be the ones sam/samconfig.toml supports: `sam build` bundles
 * into .aws-sam/build/, and `sam deploy` must deploy that bundle, not the source template.
 * SAM CLI itself reads the file with Python's TOML reader, so this test does too.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../scripts/template';
import { requireTool, toolPath } from '../support/tools';

const root = join(import.meta.dirname, '../..');
const CONFIG = 'sam/samconfig.toml';

type Sections = Record<string, Record<string, { parameters?: Record<string, unknown> }>>;

function readSamConfig(): Sections {
  const read = spawnSync(
    toolPath('python3'),
    ['-c', 'import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb"))))', join(root, CONFIG)],
    {
      encoding: 'utf8',
    },
  );
  if (read.error) throw read.error;
  if (read.status !== 0) throw new Error(`${CONFIG} could not be read with Python's tomllib: ${read.stderr}`);
  return JSON.parse(read.stdout) as Sections;
}

const config = requireTool('pythonReadsToml') ? readSamConfig() : undefined;

describe.skipIf(!config)(CONFIG, () => {
  const settings = (command: string) => config?.default?.[command]?.parameters ?? {};

  it('lets sam deploy find the built template: no section deploy reads names a template', () => {
    // [default.global.parameters] applies to every command, deploy included; a template_file
    // there (or under deploy) makes deploy package template.yaml with CodeUri '.', unbuilt.
    for (const command of ['global', 'deploy', 'package']) {
      const named = Object.keys(settings(command)).filter((key) => ['template_file', 'template', 't'].includes(key));
      expect(named, `[default.${command}.parameters]`).toEqual([]);
    }
  });

  it('grants the capabilities the template needs', () => {
    const template = readTemplate(join(root, 'template.yaml'));
    const capabilities = String(settings('deploy').capabilities ?? '').split(/\s+/);
    expect(capabilities).toContain('CAPABILITY_AUTO_EXPAND');
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-template.html#using-iam-capabilities
    const nameProperty: Record<string, string> = {
      'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::IAM::User': 'UserName',
      'AWS::IAM::Group': 'GroupName',
      'AWS::IAM::InstanceProfile': 'InstanceProfileName',
    };
    const namedIam = Object.values(template.Resources).filter(
      (r) => nameProperty[r.Type] && nameProperty[r.Type]! in (r.Properties ?? {}),
    );
    expect(capabilities).toContain(namedIam.length > 0 ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM');
  });

  it('overrides only parameters template.yaml declares', () => {
    const declared = Object.keys(readTemplate(join(root, 'template.yaml')).Parameters ?? {});
    const overrides = String(settings('deploy').parameter_overrides ?? '');
    const names = [...overrides.matchAll(/(\w+)=/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('is the file the README builds and deploys with', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const deploy = /## Deploy\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = deploy.trim().split('\n');
    expect(commands).toEqual([`sam build --config-file ${CONFIG}`, `sam deploy --guided --config-file ${CONFIG}`]);
  });
});
