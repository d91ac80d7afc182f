/**
 * One version and one license, wherever a reader or the Serverless Application Repository looks:
 * package.json, template.yaml's AWS::ServerlessRepo::Application metadata, LICENSE and CHANGELOG.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../scripts/template';

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; license: string };
const template = readTemplate(join(root, 'template.yaml')) as ReturnType<typeof readTemplate> & {
  Metadata?: Record<string, Record<string, unknown>>;
};
const app = template.Metadata?.['AWS::ServerlessRepo::Application'] ?? {};

describe('release metadata', () => {
  // https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-template-publishing-applications-metadata-properties.html
  it('has the fields the Serverless Application Repository requires, within its limits and without intrinsic functions', () => {
    expect(String(app.Name)).toMatch(/^[a-zA-Z0-9-]{1,140}$/);
    expect(String(app.Description).length).toBeGreaterThan(0);
    expect(String(app.Description).length).toBeLessThanOrEqual(256);
    expect(String(app.Author)).toMatch(/^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/);
    expect((app.Labels as string[]).length).toBeLessThanOrEqual(10);
    for (const label of app.Labels as string[]) expect(label).toMatch(/^[a-zA-Z0-9+\-_:/@]{1,127}$/);
    expect(Object.values(app).every((v) => typeof v === 'string' || Array.isArray(v))).toBe(true);
  });

  it('carries the version of package.json, which CHANGELOG.md describes first', () => {
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(app.SemanticVersion).toBe(pkg.version);
    const firstEntry = /^## (\S+)/m.exec(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'))?.[1];
    expect(firstEntry).toBe(pkg.version);
  });

  it("names the license package.json declares, and LICENSE holds that license's text", () => {
    expect(app.SpdxLicenseId).toBe(pkg.license);
    expect(pkg.license).toBe('MIT-0');
    expect(readFileSync(join(root, String(app.LicenseUrl)), 'utf8')).toMatch(/^MIT No Attribution\n/);
    expect(existsSync(join(root, String(app.ReadmeUrl)))).toBe(true);
  });
});
