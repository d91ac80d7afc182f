/**
 * The one translation every SDK client carries: whatever a call throws reaches adapters, rules and
 * edges as an AwsAccessError naming the operation and AWS's error, or passes through untouched when
 * it is not AWS's answer.
 */
import { GetRoleCommand, IAMClient, NoSuchEntityException, paginateListRoles } from '@aws-sdk/client-iam';
import { GetDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { withAwsErrors } from '../../functions/shared/adapters/aws-clients';
import {
  AwsAccessDeniedError,
  AwsThrottledError,
  awsErrorName,
  isDocumentAbsent,
  withHint,
} from '../../functions/shared/adapters/aws-errors';
import { AwsAccessError, InputError, SessionGuardError } from '../../functions/shared/errors';

const iamMock = mockClient(IAMClient);
const ssmMock = mockClient(SSMClient);
afterEach(() => {
  iamMock.reset();
  ssmMock.reset();
});

const iam = () => withAwsErrors(new IAMClient({ region: 'us-east-1' }), 'iam');
const serviceError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });

describe('withAwsErrors', () => {
  it('turns a denial into AwsAccessDeniedError naming the IAM action of the call', async () => {
    iamMock.on(GetRoleCommand).rejects(serviceError('AccessDenied', 'not authorized to perform: iam:GetRole'));
    const error = await iam()
      .send(new GetRoleCommand({ RoleName: 'web' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsAccessDeniedError);
    expect(error).toMatchObject({
      operation: 'iam:GetRole',
      awsErrorName: 'AccessDenied',
      detail: 'not authorized to perform: iam:GetRole',
    });
    expect((error as Error).message).toMatch(
      /^iam:GetRole was denied \(not authorized to perform: iam:GetRole\)\. Grant it to the function's role/,
    );
  });

  it('turns throttling that outlasted the retries into AwsThrottledError', async () => {
    iamMock.on(GetRoleCommand).rejects(serviceError('Throttling', 'Rate exceeded'));
    await expect(iam().send(new GetRoleCommand({ RoleName: 'web' }))).rejects.toBeInstanceOf(AwsThrottledError);
  });

  it('keeps the name AWS answered, which is how adapters recognise an expected answer', async () => {
    iamMock
      .on(GetRoleCommand)
      .rejects(new NoSuchEntityException({ $metadata: {}, message: 'The role with name web cannot be found.' }));
    const error = await iam()
      .send(new GetRoleCommand({ RoleName: 'web' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsAccessError);
    expect(error).not.toBeInstanceOf(AwsAccessDeniedError);
    expect(awsErrorName(error)).toBe('NoSuchEntityException');
    expect((error as Error).message).toBe(
      'iam:GetRole failed with NoSuchEntityException: The role with name web cannot be found.',
    );
  });

  it('translates the calls a paginator makes', async () => {
    iamMock.rejects(serviceError('AccessDenied', 'no'));
    const pages = paginateListRoles({ client: iam() }, {});
    await expect(pages.next()).rejects.toMatchObject({ name: 'AwsAccessDeniedError', operation: 'iam:ListRoles' });
  });

  it('names the region of a regional client, and recognises a missing SSM document by name', async () => {
    ssmMock.on(GetDocumentCommand).rejects(serviceError('InvalidDocument', 'The specified document does not exist.'));
    const ssm = withAwsErrors(new SSMClient({ region: 'eu-west-1' }), 'ssm', 'eu-west-1');
    const error = await ssm.send(new GetDocumentCommand({ Name: 'Missing' })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      operation: 'ssm:GetDocument',
      region: 'eu-west-1',
      message: expect.stringMatching(/^ssm:GetDocument in eu-west-1 failed/),
    });
    expect(isDocumentAbsent(error)).toBe(true);
  });

  it('lets a cancelled call and our own errors through as they are', async () => {
    const aborted = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    iamMock.on(GetRoleCommand).rejects(aborted);
    await expect(iam().send(new GetRoleCommand({ RoleName: 'web' }))).rejects.toBe(aborted);
    const ours = new InputError('bad input');
    iamMock.on(GetRoleCommand).rejects(ours);
    await expect(iam().send(new GetRoleCommand({ RoleName: 'web' }))).rejects.toBe(ours);
  });

  it('translates once, however often a client is passed through it', async () => {
    iamMock.on(GetRoleCommand).rejects(serviceError('AccessDenied', 'no'));
    const client = iam();
    expect(withAwsErrors(client, 'iam')).toBe(client);
    const error = await client.send(new GetRoleCommand({ RoleName: 'web' })).catch((e: unknown) => e);
    expect((error as AwsAccessError).cause).toMatchObject({ name: 'AccessDenied' });
  });

  it('answers successful calls unchanged', async () => {
    iamMock.on(GetRoleCommand).resolves({
      Role: {
        RoleName: 'web',
        RoleId: 'AROAEXAMPLE',
        Arn: 'arn:aws:iam::123456789012:role/web',
        Path: '/',
        CreateDate: new Date(0),
      },
    });
    await expect(iam().send(new GetRoleCommand({ RoleName: 'web' }))).resolves.toMatchObject({
      Role: { RoleId: 'AROAEXAMPLE' },
    });
  });
});

describe('withHint', () => {
  it('adds what the caller knows, keeping the kind and the facts', async () => {
    iamMock.on(GetRoleCommand).rejects(serviceError('AccessDenied', 'no'));
    const denied = await iam()
      .send(new GetRoleCommand({ RoleName: 'web' }))
      .catch((e: unknown) => e);
    const hinted = withHint(denied, 'List the regions you use.');
    expect(hinted).toBeInstanceOf(AwsAccessDeniedError);
    expect(hinted).toMatchObject({
      operation: 'iam:GetRole',
      awsErrorName: 'AccessDenied',
      hint: 'List the regions you use.',
      message: expect.stringMatching(/denies it\. List the regions you use\.$/),
    });
  });

  it('leaves anything else alone', () => {
    const other = new SessionGuardError('not an AWS call');
    expect(withHint(other, 'hint')).toBe(other);
  });
});
