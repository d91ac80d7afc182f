/**
 * The regions of each AWS partition. An account lives in exactly one partition, and its managed
 * nodes can only be in that partition's regions: a policy that leaves out `cn-*` regions in an
 * `aws` account leaves out nothing. The list follows the partition data the AWS SDK ships
 * (test/core/aws-partitions.test.ts fails when the SDK knows a region this list does not).
 * https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
import { InputError } from '../errors';
export const PARTITION_REGIONS: Readonly<Record<string, readonly string[]>> = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'sa-west-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  'aws-eusc': ['eusc-de-east-1'],
  'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
  'aws-iso-b': ['us-isob-east-1', 'us-isob-west-1'],
  'aws-iso-e': ['eu-isoe-west-1'],
  'aws-iso-f': ['us-isof-east-1', 'us-isof-south-1'],
};

export class UnknownPartitionError extends InputError {
  override name = 'UnknownPartitionError';
}

/** The regions of a partition; an unknown partition is an error, never "no regions". */
export function regionsOf(partition: string): readonly string[] {
  const regions = PARTITION_REGIONS[partition];
  if (!regions) {
    throw new UnknownPartitionError(
      `Partition ${partition} is not one session-guard knows; cannot tell which regions its managed nodes may be in.`,
    );
  }
  return regions;
}
