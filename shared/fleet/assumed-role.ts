import type { STSClient } from "@aws-sdk/client-sts";
import { AwsCallBudgets, awsClientOptions } from "../aws/client-options.ts";
import type { AwsCredentials, AwsCredentialsProvider } from "../cluster/eks-token.ts";
import { SentinelError } from "../errors.ts";

/** A role in a member account could not be assumed; the message names the role, never a credential. */
export class AssumeRoleError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AssumeRoleError";
  }
}

export const AssumeRoleDefaults = {
  /** Renew this long before the credentials expire, so no request starts with credentials about to lapse. */
  renewBeforeMs: 5 * 60_000,
  /** One hour, STS's default and the most a chained role session allows. */
  durationSeconds: 3_600,
  /** Bound on one AssumeRole call, retries included (the SDK's own timeouts bound each attempt). */
  timeoutMs: 5_000,
} as const;

export interface AssumedRoleOptions {
  roleArn: string;
  /** STS is called in the function's own region (regional endpoint), whatever region the cluster is in. */
  region: string;
  sessionName: string;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Credentials of `roleArn`, assumed on first use and cached until shortly before they expire: a warm function
 * asks STS at most once per role per credential lifetime. The STS client loads only here, on the first call.
 * Concurrent callers share one AssumeRole; a failure is not cached.
 */
export function assumedRoleCredentials(options: AssumedRoleOptions): AwsCredentialsProvider {
  const now = options.now ?? Date.now;
  let cached: AwsCredentials | null = null;
  let pending: Promise<AwsCredentials> | null = null;
  const fresh = (credentials: AwsCredentials | null) =>
    credentials !== null &&
    (credentials.expiration === undefined ||
      credentials.expiration.getTime() - AssumeRoleDefaults.renewBeforeMs > now());
  return async () => {
    if (fresh(cached)) return cached as AwsCredentials;
    pending ??= assume(options).finally(() => {
      pending = null;
    });
    cached = await pending;
    return cached;
  };
}

/** One STS client per region for the container's life (in practice one: the function's own region). */
const clients = new Map<string, STSClient>();

async function assume(options: AssumedRoleOptions): Promise<AwsCredentials> {
  const { STSClient, AssumeRoleCommand } = await import("../lazy/sts.ts");
  let client = clients.get(options.region);
  if (!client) {
    client = new STSClient({ region: options.region, ...awsClientOptions(AwsCallBudgets.sts) });
    clients.set(options.region, client);
  }
  const timeoutMs = options.timeoutMs ?? AssumeRoleDefaults.timeoutMs;
  try {
    const output = await client.send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: options.sessionName,
        DurationSeconds: AssumeRoleDefaults.durationSeconds,
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey)
      throw new AssumeRoleError(`sts:AssumeRole of ${options.roleArn} returned no credentials`);
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  } catch (error) {
    if (error instanceof AssumeRoleError) throw error;
    throw new AssumeRoleError(assumeFailure(options.roleArn, error, timeoutMs), { cause: error });
  }
}

function assumeFailure(roleArn: string, error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name ?? "";
  if (name === "AccessDenied" || name === "AccessDeniedException")
    return `not allowed to assume ${roleArn}: its trust policy must name this function's role (infra/member-account.yaml), and this role needs sts:AssumeRole on it`;
  if (name === "AbortError" || name === "TimeoutError")
    return `sts:AssumeRole of ${roleArn} did not answer within ${timeoutMs} ms`;
  return `sts:AssumeRole of ${roleArn} failed (${name || "error"})`;
}
