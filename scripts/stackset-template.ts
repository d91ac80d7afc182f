/**
 * Turns the session-guard template, as CloudFormation expanded it, into the template the
 * organization StackSet deploys (sam/stackset.yaml, docs/rollout.md):
 *
 * - Service-managed StackSets refuse templates that use a transform, AWS::Serverless included,
 *   so the input must be the *processed* template (`aws cloudformation get-template
 *   --template-stage Processed`), with no `Transform` left.
 * - Lambda reads a function's code only from a bucket in the function's own region, and the
 *   StackSet deploys to many regions. `sam package` wrote one bucket name into every function;
 *   this points each function at `<prefix>-${AWS::Region}` instead, the artifacts bucket of
 *   whichever region the stack lands in (sam/artifacts.yaml), where the same objects were copied.
 *
 * Usage:
 *   npx tsx scripts/stackset-template.ts --processed processed.json --bucket-prefix <prefix> \\
 *     --out stackset-template.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export class StackSetTemplateError extends Error {
  override name = 'StackSetTemplateError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface ProcessedTemplate {
  Transform?: Json;
  Resources: Record<string, { Type: string; Properties?: Record<string, Json> }>;
  [section: string]: Json | undefined;
}

/** Where each resource type keeps its S3 code location. */
const CODE_LOCATIONS: Record<string, string> = {
  'AWS::Lambda::Function': 'Code',
  'AWS::Lambda::LayerVersion': 'Content',
};

/** The StackSet template, or an error naming what is wrong with the input and what to do. */
export function stackSetTemplate(processed: unknown, bucketPrefix: string): ProcessedTemplate {
  if (!/^[a-z0-9][a-z0-9-]{2,40}[a-z0-9]$/.test(bucketPrefix)) {
    throw new StackSetTemplateError(
      `--bucket-prefix "${bucketPrefix}" is not a BucketNamePrefix ` +
        'of sam/artifacts.yaml (lowercase letters, digits, hyphens).',
    );
  }
  if (
    typeof processed !== 'object' ||
    processed === null ||
    typeof (processed as ProcessedTemplate).Resources !== 'object'
  ) {
    throw new StackSetTemplateError('The input is not a CloudFormation template (no Resources section).');
  }
  const template = structuredClone(processed) as ProcessedTemplate;
  if (template.Transform !== undefined) {
    throw new StackSetTemplateError(
      `The template still declares Transform ${JSON.stringify(template.Transform)}; ` +
        'service-managed StackSets cannot run transforms. ' +
        'Pass the processed template: aws cloudformation get-template --template-stage Processed.',
    );
  }

  const packagingBuckets = new Set<string>();
  const regionalBucket = { 'Fn::Sub': `${bucketPrefix}-\${AWS::Region}` };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const property = CODE_LOCATIONS[resource.Type];
    if (!property) continue;
    const code = resource.Properties?.[property] as Record<string, Json> | undefined;
    if (code?.ZipFile !== undefined) continue; // inline code travels with the template
    const bucket = code?.S3Bucket;
    if (!code || typeof bucket !== 'string') {
      throw new StackSetTemplateError(
        `${logicalId}: ${property}.S3Bucket is ${JSON.stringify(bucket)}, not the bucket name sam ` +
          `package writes; package the template first (sam package --s3-bucket ${bucketPrefix}-<region>).`,
      );
    }
    if (!bucket.startsWith(`${bucketPrefix}-`)) {
      throw new StackSetTemplateError(
        `${logicalId}: its code is in bucket ${bucket}, which is not one of the ` +
          `${bucketPrefix}-<region> artifact buckets; package with --s3-bucket ${bucketPrefix}-<region>.`,
      );
    }
    packagingBuckets.add(bucket);
    code.S3Bucket = regionalBucket;
  }
  if (packagingBuckets.size === 0) {
    throw new StackSetTemplateError(
      'The template has no Lambda code in S3: is this the packaged session-guard template?',
    );
  }

  // Anything else that still names the packaging bucket would only work in that one region.
  for (const bucket of packagingBuckets) {
    const leftover = pathsContaining(template, bucket);
    if (leftover.length > 0) {
      throw new StackSetTemplateError(
        `${leftover.join(', ')} still refer(s) to ${bucket}, which exists in ` +
          'one region only; make it regional before deploying to several regions.',
      );
    }
  }
  return template;
}

function pathsContaining(value: unknown, text: string, path = ''): string[] {
  if (typeof value === 'string') return value.includes(text) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsContaining(v, text, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => pathsContaining(v, text, path ? `${path}.${k}` : k));
  }
  return [];
}

function main(): void {
  const { values } = parseArgs({
    options: { processed: { type: 'string' }, 'bucket-prefix': { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.processed || !values['bucket-prefix'] || !values.out) {
    throw new StackSetTemplateError(
      'Usage: tsx scripts/stackset-template.ts --processed processed.json ' +
        '--bucket-prefix <prefix> --out stackset-template.json',
    );
  }
  const processed: unknown = JSON.parse(readFileSync(values.processed, 'utf8'));
  const template = stackSetTemplate(processed, values['bucket-prefix']);
  writeFileSync(values.out, `${JSON.stringify(template, null, 2)}\n`);
  console.log(`${values.out}: ready for the StackSet; upload it and pass its https:// URL as TemplateURL.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof StackSetTemplateError ? error.message : error);
    process.exit(1);
  }
}
