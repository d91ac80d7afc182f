import { describe, expect, it } from 'vitest';
import { PARTITION_REGIONS, regionsOf, UnknownPartitionError } from '../../functions/shared/core/aws-partitions';

/** The partition data the AWS SDK ships (its endpoint resolution reads it): the source of truth to follow. */
const sdkPartitions = (await import(
  '../../node_modules/@aws-sdk/core/dist-es/submodules/client/util-endpoints/lib/aws/partitions.js' as string
)) as {
  partitionsInfo: { partitions: { id: string; regions: Record<string, unknown> }[] };
};

describe('PARTITION_REGIONS', () => {
  it('holds every region of every partition the SDK knows, and no other (global pseudo-regions aside)', () => {
    const fromSdk = Object.fromEntries(
      sdkPartitions.partitionsInfo.partitions.map((p) => [
        p.id,
        Object.keys(p.regions)
          .filter((r) => !r.startsWith('aws-'))
          .sort(),
      ]),
    );
    expect(
      Object.fromEntries(Object.entries(PARTITION_REGIONS).map(([id, regions]) => [id, [...regions].sort()])),
    ).toEqual(fromSdk);
  });

  it('refuses a partition it does not know rather than answering "no regions"', () => {
    expect(regionsOf('aws-cn')).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect(() => regionsOf('aws-mars')).toThrow(UnknownPartitionError);
  });
});
