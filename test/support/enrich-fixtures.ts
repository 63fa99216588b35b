import { createHttpKubeClient, type HttpKubeClient } from "../../shared/cluster/http-kube-client.ts";
import type { CoreDnsAddonLookup, EnrichLogger } from "../../shared/enrich/index.ts";
import type { Alert, AlertGroup, LabelSet } from "../../shared/model/index.ts";
import type { ClusterScenario, GeneratedCluster } from "../../sim/cluster-generator.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import {
  type KubeApiServerOptions,
  type KubeApiSimulator,
  startKubeApiServer,
} from "../../sim/kube-api-server.ts";

/** An alert group as the parser would hand it over, with one firing alert per label set. */
export function alertGroup(labelSets: LabelSet[], overrides: Partial<AlertGroup> = {}): AlertGroup {
  const alerts: Alert[] = labelSets.map((labels, index) => ({
    status: "firing",
    labels: { alertname: "LinkLocalAllowanceExceeded", cluster: "sim", ...labels },
    annotations: { summary: "link-local packets dropped" },
    startsAt: "2026-11-23T08:55:00Z",
    endsAt: null,
    generatorURL: null,
    fingerprint: `fp-${index}`,
  }));
  return {
    status: "firing",
    receiver: "sns",
    groupKey: null,
    groupLabels: { alertname: "LinkLocalAllowanceExceeded" },
    commonLabels: { alertname: "LinkLocalAllowanceExceeded" },
    commonAnnotations: {},
    externalURL: null,
    alerts,
    alertname: "LinkLocalAllowanceExceeded",
    cluster: "sim",
    source: { messageId: "msg-1", topicArn: null, subject: null, timestamp: null, format: "webhook-json" },
    truncated: false,
    truncatedAlerts: 0,
    warnings: [],
    raw: null,
    ...overrides,
  };
}

/** A logger that keeps quiet in tests. */
export const silentLogger: EnrichLogger = { debug: () => {}, warn: () => {} };

export interface EnrichSim {
  sim: KubeApiSimulator;
  cluster: GeneratedCluster;
  kube: HttpKubeClient;
}

/** A simulated API server for `scenario` and a real HTTP client on it; stop with `stopEnrichSim`. */
export async function startEnrichSim(
  scenario: ClusterScenario,
  options: Partial<KubeApiServerOptions> & { timeoutMs?: number } = {},
): Promise<EnrichSim> {
  const cluster = generateCluster(scenario);
  const sim = await startKubeApiServer({ cluster, ...options });
  const kube = createHttpKubeClient({
    server: sim.url,
    auth: { type: "none" },
    timeoutMs: options.timeoutMs ?? 5_000,
  });
  return { sim, cluster, kube };
}

/** Node InternalIP of a generated node, what a hostNetwork exporter's `instance` label carries. */
export function internalIp(cluster: GeneratedCluster, nodeName: string): string {
  const node = cluster.nodes.find((n) => n.metadata.name === nodeName);
  const ip = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  if (!ip) throw new Error(`no node ${nodeName} in the generated cluster`);
  return ip;
}

/** The EKS coredns add-on as DescribeAddon would answer for a generated cluster (null when self-managed). */
export function simAddonLookup(cluster: GeneratedCluster): CoreDnsAddonLookup {
  return {
    describeCoreDns: async () =>
      cluster.corednsAddon
        ? {
            addonVersion: cluster.corednsAddon.addonVersion,
            configurationValues: cluster.corednsAddon.configurationValues ?? null,
          }
        : null,
  };
}
