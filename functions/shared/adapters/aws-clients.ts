/**
 * Settings every SDK client of ours shares.
 *
 * `AWS_ENDPOINT_URL` (or the service's own `AWS_ENDPOINT_URL_<SERVICE>`) points the clients at a
 * stand-in such as moto_server or LocalStack; unset, the SDK's regional endpoints apply.
 */
export interface ClientSettings {
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
}

/** The service part of `AWS_ENDPOINT_URL_<SERVICE>`, as the SDK spells it. */
export type EndpointService = 'IAM' | 'CONFIG_SERVICE' | 'SSM' | 'CLOUDFORMATION' | 'STS' | 'EC2';

export function clientSettings(service: EndpointService, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
  // Adaptive retries slow down under throttling instead of failing a sweep of a large account.
  return { ...(endpoint ? { endpoint } : {}), maxAttempts: 8, retryMode: 'adaptive' };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
