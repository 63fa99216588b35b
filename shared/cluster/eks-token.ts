import type { SignatureV4 } from "@smithy/signature-v4";
import { KubeCredentialsError } from "./errors.ts";
import type { TokenProvider } from "./http-kube-client.ts";

/**
 * EKS IAM authentication: the bearer token is a presigned STS GetCallerIdentity URL that names the cluster in
 * a signed `x-k8s-aws-id` header. EKS replays it to STS to learn the caller's IAM identity, then maps that
 * identity through the cluster's access entries.
 */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

export const EksTokenLimits = {
  prefix: "k8s-aws-v1.",
  /** Presigned URL expiry; STS caps presigned GetCallerIdentity at 900 s. */
  presignExpirySeconds: 60,
  maxPresignExpirySeconds: 900,
  /** EKS accepts a token for 15 minutes after its X-Amz-Date, whatever X-Amz-Expires says. */
  acceptedForMs: 15 * 60_000,
  /** Renew after 10 minutes so a token is never used in its last 5 (clock skew, slow requests). */
  renewAfterMs: 10 * 60_000,
} as const;

export interface EksTokenOptions {
  clusterName: string;
  region: string;
  credentials?: AwsCredentialsProvider;
  /** Injected clock (ms since epoch) for tests. */
  now?: () => number;
  expiresInSeconds?: number;
}

export interface EksToken {
  token: string;
  /** When EKS stops accepting the token. */
  expiresAt: Date;
}

function stsHostname(region: string): string {
  return region.startsWith("cn-") ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

let defaultCredentials: AwsCredentialsProvider | undefined;
function defaultCredentialsProvider(defaultProvider: () => AwsCredentialsProvider): AwsCredentialsProvider {
  // Created once per process so warm invocations reuse resolved (and cached) role credentials.
  defaultCredentials ??= defaultProvider();
  return defaultCredentials;
}

export async function createEksToken(options: EksTokenOptions): Promise<EksToken> {
  const expiresIn = options.expiresInSeconds ?? EksTokenLimits.presignExpirySeconds;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > EksTokenLimits.maxPresignExpirySeconds) {
    throw new RangeError(
      `EKS token expiry must be 1..${EksTokenLimits.maxPresignExpirySeconds} seconds, got ${expiresIn}`,
    );
  }
  const now = options.now?.() ?? Date.now();
  const hostname = stsHostname(options.region);
  const { defaultProvider, HttpRequest, Sha256, SignatureV4 } = await import("../lazy/sigv4.ts");
  const signer = new SignatureV4({
    credentials: options.credentials ?? defaultCredentialsProvider(defaultProvider),
    region: options.region,
    service: "sts",
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: "GET",
    protocol: "https:",
    hostname,
    path: "/",
    query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    headers: { host: hostname, "x-k8s-aws-id": options.clusterName },
  });
  let presigned: Awaited<ReturnType<SignatureV4["presign"]>>;
  try {
    presigned = await signer.presign(request, { expiresIn, signingDate: new Date(now) });
  } catch (error) {
    throw new KubeCredentialsError(
      `Could not sign the EKS token for cluster ${options.clusterName}: AWS credentials unavailable (${(error as Error).message})`,
      { cause: error },
    );
  }
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([key, value]) => (Array.isArray(value) ? value.map((v) => [key, v]) : [[key, value ?? ""]]))
    .map(([key, value]) => `${encodeURIComponent(key ?? "")}=${encodeURIComponent(value ?? "")}`)
    .join("&");
  const url = `https://${hostname}/?${query}`;
  return {
    token: `${EksTokenLimits.prefix}${Buffer.from(url).toString("base64url")}`,
    expiresAt: new Date(now + EksTokenLimits.acceptedForMs),
  };
}

/**
 * Keeps one token per cluster and hands it out until it is `renewAfterMs` old, so a warm Lambda signs once per
 * ten minutes rather than per request. Concurrent callers share one signing.
 */
export class EksTokenCache {
  private current: { token: string; issuedAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: EksTokenOptions & { renewAfterMs?: number }) {
    this.now = options.now ?? Date.now;
  }

  readonly provider: TokenProvider = (request) => this.token(request?.forceRefresh ?? false);

  async token(forceRefresh = false): Promise<string> {
    const renewAfter = this.options.renewAfterMs ?? EksTokenLimits.renewAfterMs;
    if (!forceRefresh && this.current && this.now() - this.current.issuedAt < renewAfter)
      return this.current.token;
    if (this.inFlight) return this.inFlight;
    const issuedAt = this.now();
    this.inFlight = createEksToken({ ...this.options, now: () => issuedAt })
      .then(({ token }) => {
        this.current = { token, issuedAt };
        return token;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}

/** Reads the presigned URL back out of a token (tests, and debugging a 401). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(EksTokenLimits.prefix))
    throw new Error(`not an EKS token (expected prefix ${EksTokenLimits.prefix})`);
  return new URL(Buffer.from(token.slice(EksTokenLimits.prefix.length), "base64url").toString("utf8"));
}
