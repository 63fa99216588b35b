import type { Cluster, EKSClient, EKSClientConfig } from "@aws-sdk/client-eks";
import { AwsCallBudgets, awsClientOptions } from "../aws/client-options.ts";
import { logger } from "../logger.ts";
import { type AwsCredentialsProvider, EksTokenCache } from "./eks-token.ts";
import { EksClusterError } from "./errors.ts";
import { HttpKubeClient, KubeClientDefaults } from "./http-kube-client.ts";
import type { KubeApi, KubeGetOptions, KubePatchOptions, KubeTrafficStats } from "./kube-api.ts";

/** An EKS client, its module loaded on first use (shared/lazy/eks.ts). */
export async function createEksClient(config: EKSClientConfig): Promise<EKSClient> {
  const { EKSClient } = await import("../lazy/eks.ts");
  return new EKSClient(config);
}

/**
 * Loads what reaching an EKS cluster takes (the EKS client, SigV4 signing for the token) ahead of the first
 * group: a Lambda whose every group goes to its cluster does it during init instead of in an invocation.
 */
export async function loadEksModules(): Promise<void> {
  await Promise.all([import("../lazy/eks.ts"), import("../lazy/sigv4.ts")]);
}

/**
 * Reaching an EKS cluster from Lambda: DescribeCluster for the endpoint and CA (cached for the life of the
 * container; they change only when the cluster is replaced), an IAM bearer token, and the HTTPS client.
 */

export interface EksClusterEndpoint {
  endpoint: string;
  /** PEM, decoded from certificateAuthority.data. */
  caPem: string;
  /** `computeConfig.enabled`: EKS Auto Mode manages the compute, and runs cluster DNS on its nodes. */
  autoModeEnabled: boolean;
}

export const EksCallDefaults = {
  /** Deadline for one EKS control-plane call (DescribeCluster, DescribeAddon), retries included. */
  timeoutMs: 5_000,
} as const;

const endpointCache = new Map<string, Promise<EksClusterEndpoint>>();
const kubeApiCache = new Map<string, KubeApi>();

/** Forget cached endpoints and clients (tests, or after the cluster was replaced). */
export function clearEksClusterCache(): void {
  endpointCache.clear();
  kubeApiCache.clear();
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? "";
}

async function fetchEndpoint(
  eks: EKSClient,
  clusterName: string,
  timeoutMs: number,
): Promise<EksClusterEndpoint> {
  let cluster: Cluster | undefined;
  try {
    const { DescribeClusterCommand } = await import("../lazy/eks.ts");
    const output = await eks.send(new DescribeClusterCommand({ name: clusterName }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    cluster = output.cluster;
  } catch (error) {
    const region = await eks.config.region().catch(() => "unknown region");
    const name = errorName(error);
    if (name === "ResourceNotFoundException") {
      throw new EksClusterError(`EKS cluster "${clusterName}" not found in ${region}`, { cause: error });
    }
    if (name === "AccessDeniedException") {
      throw new EksClusterError(
        `Not allowed to call eks:DescribeCluster on "${clusterName}" in ${region}; grant it to the function role`,
        { cause: error },
      );
    }
    if (name === "AbortError" || name === "TimeoutError") {
      throw new EksClusterError(
        `eks:DescribeCluster for "${clusterName}" did not answer within ${timeoutMs} ms`,
        {
          cause: error,
        },
      );
    }
    throw new EksClusterError(
      `eks:DescribeCluster for "${clusterName}" failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const endpoint = cluster?.endpoint;
  const caData = cluster?.certificateAuthority?.data;
  if (typeof endpoint !== "string" || endpoint === "" || typeof caData !== "string" || caData === "") {
    throw new EksClusterError(
      `EKS cluster "${clusterName}" has no API endpoint or CA yet (status ${String(cluster?.status ?? "unknown")})`,
    );
  }
  return {
    endpoint,
    caPem: Buffer.from(caData, "base64").toString("utf8"),
    autoModeEnabled: cluster?.computeConfig?.enabled === true,
  };
}

/** DescribeCluster once per cluster and region per container; a failure is not cached. */
export async function describeEksCluster(
  eks: EKSClient,
  clusterName: string,
  options: { timeoutMs?: number; identity?: string } = {},
): Promise<EksClusterEndpoint> {
  const region = await eks.config.region();
  // Two member accounts may each run a "prod" in one region: the role reaching it is part of the key.
  const key = `${options.identity ?? "self"}/${region}/${clusterName}`;
  let cached = endpointCache.get(key);
  if (!cached) {
    cached = fetchEndpoint(eks, clusterName, options.timeoutMs ?? EksCallDefaults.timeoutMs);
    endpointCache.set(key, cached);
    cached.catch(() => endpointCache.delete(key));
  }
  return cached;
}

export interface CoreDnsAddon {
  addonVersion: string | null;
  /** The add-on's JSON configuration values (e.g. `{"autoScaling":{...}}` or `{"replicaCount":3}`), if any. */
  configurationValues: string | null;
}

/** The EKS-managed `coredns` add-on, or null when CoreDNS is self-managed. */
export async function describeCoreDnsAddon(
  eks: EKSClient,
  clusterName: string,
  options: { timeoutMs?: number } = {},
): Promise<CoreDnsAddon | null> {
  const timeoutMs = options.timeoutMs ?? EksCallDefaults.timeoutMs;
  try {
    const { DescribeAddonCommand } = await import("../lazy/eks.ts");
    const output = await eks.send(new DescribeAddonCommand({ clusterName, addonName: "coredns" }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return {
      addonVersion: output.addon?.addonVersion ?? null,
      configurationValues: output.addon?.configurationValues || null,
    };
  } catch (error) {
    if (errorName(error) === "ResourceNotFoundException") return null;
    if (errorName(error) === "AccessDeniedException") {
      throw new EksClusterError(
        `Not allowed to call eks:DescribeAddon on "${clusterName}"; grant it to the function role`,
        {
          cause: error,
        },
      );
    }
    throw new EksClusterError(
      `eks:DescribeAddon coredns for "${clusterName}" failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

export interface EksKubeApiOptions {
  clusterName: string;
  region: string;
  /** Injected for tests; otherwise one client per region. */
  eks?: EKSClient;
  credentials?: AwsCredentialsProvider;
  /** Who `credentials` are (a role ARN): keeps clusters of one name in two accounts apart in the caches. */
  identity?: string;
  /** Per Kubernetes request. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * A KubeApi for an EKS cluster that connects on first use, so handlers can build it at module scope. Instances
 * are shared per cluster and region across warm invocations (one TLS connection, one token cache).
 */
export function createEksKubeApi(options: EksKubeApiOptions): KubeApi {
  const key = `${options.identity ?? "self"}/${options.region}/${options.clusterName}/${options.timeoutMs ?? KubeClientDefaults.timeoutMs}`;
  const shared = !options.eks && (!options.credentials || options.identity !== undefined);
  const cached = shared ? kubeApiCache.get(key) : undefined;
  if (cached) return cached;
  const api = new LazyEksKubeApi(options);
  if (shared) kubeApiCache.set(key, api);
  return api;
}

class LazyEksKubeApi implements KubeApi {
  private client: Promise<HttpKubeClient> | undefined;
  private connected: HttpKubeClient | undefined;
  private readonly notConnected: KubeTrafficStats = { requests: 0, bytes: 0 };
  private eks: Promise<EKSClient> | undefined;
  private readonly tokens: EksTokenCache;

  constructor(private readonly options: EksKubeApiOptions) {
    this.tokens = new EksTokenCache({
      clusterName: options.clusterName,
      region: options.region,
      credentials: options.credentials,
      now: options.now,
    });
  }

  get stats(): KubeTrafficStats {
    return this.connected?.stats ?? this.notConnected;
  }

  async get<T = unknown>(path: string, options?: KubeGetOptions): Promise<T> {
    return (await this.connect()).get<T>(path, options);
  }

  async patch<T = unknown>(path: string, body: unknown, options: KubePatchOptions): Promise<T> {
    return (await this.connect()).patch<T>(path, body, options);
  }

  private connect(): Promise<HttpKubeClient> {
    if (!this.client) {
      this.eks ??= this.options.eks
        ? Promise.resolve(this.options.eks)
        : createEksClient({
            region: this.options.region,
            credentials: this.options.credentials,
            ...awsClientOptions(AwsCallBudgets.eks),
          });
      this.client = this.eks
        .then((eks) => describeEksCluster(eks, this.options.clusterName, { identity: this.options.identity }))
        .then((cluster) => {
          logger.debug("connecting to EKS cluster", {
            cluster: this.options.clusterName,
            endpoint: cluster.endpoint,
          });
          this.connected = new HttpKubeClient({
            server: cluster.endpoint,
            ca: cluster.caPem,
            auth: { type: "bearer", token: this.tokens.provider },
            timeoutMs: this.options.timeoutMs,
          });
          return this.connected;
        });
      // Retry DescribeCluster on the next call rather than caching a failure.
      this.client.catch(() => {
        this.client = undefined;
      });
    }
    return this.client;
  }
}
