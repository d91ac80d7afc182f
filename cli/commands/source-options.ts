/** The options every command shares to pick an account: the bundled sample, or a live one. */
import { type Command, Option } from 'commander';
import { type CliIo, Progress } from '../io';
import { type AccountSource, DEFAULT_STACK_NAME } from '../sources/account-source';
import type { LiveAccountOptions } from '../sources/live-account';

export interface SourceFlags {
  live?: boolean;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  stackName: string;
}

export function addSourceOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--live',
        'read a live AWS account (credentials from the usual AWS environment) instead of the bundled sample',
      ),
    )
    .addOption(new Option('--profile <name>', 'AWS profile for the live account (implies --live)'))
    .addOption(new Option('--region <region>', 'AWS region for the live account (implies --live)'))
    .addOption(
      new Option(
        '--endpoint-url <url>',
        'send AWS calls to this endpoint, e.g. moto_server or LocalStack (implies --live)',
      ),
    )
    .addOption(
      new Option(
        '--stack-name <name>',
        'the session-guard stack whose outputs give defaults such as --policy-arn; it is ' +
          "read in --region, so name the stack's GlobalResourcesRegion, where the IAM rules run",
      ).default(DEFAULT_STACK_NAME),
    );
}

export const wantsLive = (flags: SourceFlags): boolean =>
  Boolean(flags.live || flags.profile || flags.region || flags.endpointUrl);

/**
 * The bundled sample unless a live account was asked for. The sample is never chosen by accident
 * for a live flag. Each is loaded only when used: they bring the AWS SDK, which `--help`, usage
 * errors and the other source do not need (it is most of the command line's start-up time).
 */
export async function accountSource(flags: SourceFlags, io: CliIo): Promise<AccountSource> {
  if (!wantsLive(flags)) return (await import('../sources/sample-account')).loadSampleAccount();
  return (await import('../sources/live-account')).liveAccount(liveOptions(flags), io, new Progress(io));
}

export const liveOptions = (flags: SourceFlags): LiveAccountOptions => ({
  profile: flags.profile,
  region: flags.region,
  endpointUrl: flags.endpointUrl,
  stackName: flags.stackName,
});
