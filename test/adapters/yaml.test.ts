import { describe, expect, it } from 'vitest';
import { yamlParserFor } from '../../functions/shared/adapters/yaml';

describe('yamlParserFor', () => {
  it('loads no YAML parser for JSON content', async () => {
    expect(await yamlParserFor('\n  {"schemaVersion": "1.0"}')).toBeUndefined();
  });

  it('loads the yaml package for YAML content', async () => {
    const parse = await yamlParserFor("schemaVersion: '1.0'\ninputs:\n  idleSessionTimeout: 20\n");
    expect(parse?.('inputs:\n  kmsKeyId: alias/sessions\n')).toEqual({ inputs: { kmsKeyId: 'alias/sessions' } });
  });
});
