/**
 * The command line at a terminal and in a pipe: tables that fit the width with the whole finding,
 * colour only where it belongs, and the bin itself (--version, --help, errors) run as users run it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, runCli } from '../support/cli';
import { answerCallerIdentity, standInEndpoint } from '../support/stand-in-endpoint';

const root = resolve(import.meta.dirname, '../..');
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the terminal's colour escapes is the point.
const ANSI = /\x1b\[[0-9;]*m/g;
const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const DIM = '\x1b[2m';

/** The finding of one row of a table, put back together from the lines it wraps onto. */
function cellOf(table: string, rowStart: string, header: string): string {
  const lines = table.replace(ANSI, '').split('\n');
  const column = lines.find((line) => line.includes(header))?.indexOf(header) ?? -1;
  const first = lines.findIndex((line) => line.startsWith(rowStart));
  const rest = lines.slice(first + 1);
  const continued = rest.slice(
    0,
    rest.findIndex((line) => line.slice(0, column).trim() !== ''),
  );
  return [lines[first], ...continued].map((line) => (line ?? '').slice(column).trim()).join(' ');
}

const withoutSpaces = (text: string) => text.replace(/\s+/g, '');

describe('scan tables on a terminal', () => {
  it('fit the terminal width, wrapping every finding in full, with verdicts in colour', async () => {
    const json = JSON.parse((await runCli(['scan', '--json'])).stdout) as {
      checks: { results: { resourceName: string; annotation: string }[] }[];
    };
    const run = await runCli(['scan'], { stdoutIsTTY: true, columns: 100 });

    expect(run.code, run.stderr).toBe(0);
    for (const line of run.stdout.replace(ANSI, '').split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    const annotation = json.checks[0]?.results.find((r) => r.resourceName === 'batch-worker')?.annotation ?? '';
    expect(annotation.length).toBeGreaterThan(100);
    expect(withoutSpaces(cellOf(run.stdout, 'batch-worker', 'ANNOTATION'))).toBe(withoutSpaces(annotation));
    expect(run.stdout).toContain(`${RED}NON_COMPLIANT\x1b[0m`);
    expect(run.stdout).toContain(`${GREEN}COMPLIANT\x1b[0m`);
    expect(run.stdout).toContain(`${DIM}NOT_APPLICABLE\x1b[0m`);
  });

  it('keep one plain line per row in a pipe, however long the finding', async () => {
    const run = await runCli(['scan', '--rule', 'instance-role'], { stdoutIsTTY: false });
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stdout).toMatch(
      /^batch-worker\s+AROAQXAMPLEBATCHWORK2\s+NON_COMPLIANT\s+Role batch-worker lacks .*Instance profile batch-worker\.$/m,
    );
  });

  it.each([
    ['NO_COLOR set on a terminal', true, { NO_COLOR: '1' }, false],
    ['TERM=dumb', true, { TERM: 'dumb' }, false],
    ['FORCE_COLOR=0 on a terminal', true, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=1 in a pipe', false, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR over NO_COLOR, as Node has it', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['NO_COLOR empty, which the convention ignores', true, { NO_COLOR: '' }, true],
  ])('colour with %s: %s', async (_, stdoutIsTTY, env, coloured) => {
    const run = await runCli(['scan', '--rule', 'instance-role'], { stdoutIsTTY, env });
    expect(run.stdout.includes(RED)).toBe(coloured);
  });

  it('colour the outcome of remediate and of evaluate the same way', async () => {
    const evaluate = await runCli(['evaluate', '--event', resolve(root, 'test/fixtures/cli-events/role-change.json')], {
      stdoutIsTTY: true,
      columns: 120,
    });
    expect(evaluate.stdout).toContain(`${RED}NON_COMPLIANT\x1b[0m`);
    const plan = await runCli(['remediate', '--all', '--dry-run'], { stdoutIsTTY: true, columns: 80 });
    for (const line of plan.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('counts in words: 1 resource, 1 role', async () => {
    const run = await runCli(['scan', '--rule', 'instance-role', '--exemption-tag-key', 'SessionManagerExempt']);
    expect(run.stdout).toMatch(/\(\d+ resources\)/);
    const one = await runCli(['remediate', '--role', 'batch-worker', '--dry-run']);
    expect(one.stdout).toContain('to 1 role.');
    expect(one.stdout).not.toContain('role(s)');
  });
});

/** Answers sts:GetCallerIdentity as AWS does, and every other call with an error no part of session-guard expects. */
const unexpectedErrorEndpoint = () =>
  standInEndpoint((body, response) => {
    if (body.includes('Action=GetCallerIdentity')) return answerCallerIdentity(response);
    response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'WeirdFailure' });
    response.end(JSON.stringify({ __type: 'WeirdFailure', message: 'the stand-in fails this call' }));
  });

/** A web server that is not AWS at all: an HTML page for every request. */
const webServer = () =>
  standInEndpoint((_, response) => {
    response.writeHead(404, { 'content-type': 'text/html' });
    response.end('<!doctype html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>');
  });

/** Credentials and region from the environment only, never the machine's ~/.aws. */
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
};
const PREFERENCES_ONLY = [
  '--rule',
  'session-document',
  '--max-idle-session-timeout-minutes',
  '20',
  '--max-session-duration-minutes',
  '60',
];

describe('the session-guard bin', () => {
  const weird = unexpectedErrorEndpoint();
  const web = webServer();

  it('--version prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await runBin([flag]);
      expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('--help lists the commands and the global options', async () => {
    const run = await runBin(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: session-guard/);
    for (const text of ['scan', 'evaluate', 'remediate', '-V, --version', '--debug'])
      expect(run.stdout).toContain(text);
  });

  it('scans the bundled sample in a pipe with no colour codes, as `npm start` does', async () => {
    const run = await runBin(['scan']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('session-guard scan of account 111122223333: bundled sample account');
    expect(run.stdout).toMatch(/\nall\s+\d+\s+\d+\s+\d+\s+\d+\n$/);
    expect(run.stdout + run.stderr).not.toMatch(ANSI);
  });

  it('says what was wrong with an unexpected error, and shows the stack trace only with --debug', async () => {
    const args = ['scan', '--endpoint-url', weird.url(), '--region', 'us-east-1', ...PREFERENCES_ONLY];
    const run = await runBin(args, AWS_ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'session-guard: unexpected error: ssm:ListDocuments failed with WeirdFailure: the stand-in fails this call\nRun again with --debug for the stack trace, and please report it with that trace.\n',
    );

    const debug = await runBin([...args, '--debug'], AWS_ENV);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(
      /^session-guard: unexpected error: AwsAccessError: ssm:ListDocuments failed with WeirdFailure: the stand-in fails this call\n\s+at /,
    );
  });

  it('says an endpoint that is not AWS did not answer as AWS does, without a stack trace', async () => {
    const run = await runBin(
      ['scan', '--endpoint-url', web.url(), '--region', 'us-east-1', ...PREFERENCES_ONLY],
      AWS_ENV,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^session-guard: The endpoint did not answer \S+ the way AWS does \(HTTP 404, text\/html\): check that --endpoint-url \(or AWS_ENDPOINT_URL\) points at AWS/,
    );
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });
});

describe('npm test in a pipe', () => {
  const script = resolve(root, 'scripts/plain-when-piped.mjs');
  const noColorSeenBy = (env: NodeJS.ProcessEnv) =>
    spawnSync(
      process.execPath,
      [script, process.execPath, '-e', 'process.stdout.write(String(process.env.NO_COLOR))'],
      { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
    ).stdout;

  it('runs the test runner with NO_COLOR when stdout is not a terminal, unless FORCE_COLOR asks for colour', () => {
    expect(noColorSeenBy({})).toBe('1');
    expect(noColorSeenBy({ FORCE_COLOR: '1' })).toBe('undefined');
  });
});
