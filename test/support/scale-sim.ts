import {
  DescribeAddonCommand,
  DescribeUpdateCommand,
  EKSClient,
  UpdateAddonCommand,
} from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { parse as parseYaml } from "yaml";
import {
  describeCoreDnsAddonUpdate,
  updateCoreDnsAddonConfiguration,
} from "../../shared/cluster/eks-addon-update.ts";
import { describeCoreDnsAddon } from "../../shared/cluster/eks-cluster.ts";
import { createHttpKubeClient } from "../../shared/cluster/http-kube-client.ts";
import type { KubeApi } from "../../shared/cluster/kube-api.ts";
import type { Deployment } from "../../shared/cluster/kube-objects.ts";
import type { Diagnosis, EnrichedAlertGroup } from "../../shared/model/index.ts";
import { type CoreDnsAddonControl, readScaleConfig, type ScaleDeps } from "../../shared/scale/index.ts";
import { type ClusterScenario, type GeneratedCluster, generateCluster } from "../../sim/cluster-generator.ts";
import { coreDnsControllers, reconcileCoreDns } from "../../sim/controllers.ts";
import { describeAddonOutput } from "../../sim/eks-responses.ts";
import {
  type KubeApiServerOptions,
  type KubeApiSimulator,
  startKubeApiServer,
} from "../../sim/kube-api-server.ts";
import { rbacAuthorizer } from "./rbac.ts";
import { enrichedGroup } from "./routing-groups.ts";

export const SCALER_TOKEN = "scaler-token";

/**
 * A simulated cluster the scaler can write to: the API server authorises exactly what infra/rbac.yaml grants
 * the scaler's groups, controllers add the replicas a write asks for, and (for an add-on scenario) an EKS
 * client mock answers DescribeAddon, UpdateAddon and DescribeUpdate, applying the new configuration.
 */
export interface ScaleSim {
  sim: KubeApiSimulator;
  cluster: GeneratedCluster;
  kube: KubeApi;
  addon: CoreDnsAddonControl;
  /** Configuration values EKS received, in order. */
  addonUpdates: string[];
  /** The EKS client mock; restored by `stop`. */
  eks: { restore(): void };
  coredns(): Deployment;
  /** PATCH requests that the server accepted. */
  writes(): { path: string; statusCode: number }[];
  deps(env?: Record<string, string>, extra?: Partial<ScaleDeps>): ScaleDeps;
  group(codes: Diagnosis["code"][], overrides?: Partial<EnrichedAlertGroup>): EnrichedAlertGroup;
  stop(): Promise<void>;
}

export async function startScaleSim(
  scenario: ClusterScenario,
  options: Partial<KubeApiServerOptions> & { addonUpdateStatus?: string } = {},
): Promise<ScaleSim> {
  const cluster = generateCluster(scenario);
  const sim = await startKubeApiServer({
    cluster,
    auth: { tokens: { [SCALER_TOKEN]: "linklocal-sentinel-scaler" } },
    authorize: rbacAuthorizer({
      "linklocal-sentinel-scaler": ["linklocal-sentinel-readers", "linklocal-sentinel-scalers"],
    }),
    afterWrite: coreDnsControllers,
    ...options,
  });
  const kube = createHttpKubeClient({
    server: sim.url,
    auth: { type: "bearer", token: async () => SCALER_TOKEN, refreshable: false },
    timeoutMs: 5_000,
  });
  const eks = mockClient(EKSClient);
  const addonUpdates: string[] = [];
  eks.on(DescribeAddonCommand).callsFake(() => {
    const output = describeAddonOutput(cluster);
    if (!output)
      throw Object.assign(new Error("No addon: coredns found"), { name: "ResourceNotFoundException" });
    return output;
  });
  eks.on(UpdateAddonCommand).callsFake((input: { configurationValues?: string }) => {
    const values = input.configurationValues ?? "";
    addonUpdates.push(values);
    // A failed update changes nothing on the cluster.
    if ((options.addonUpdateStatus ?? "Successful") !== "Successful")
      return { update: { id: `update-${addonUpdates.length}`, status: "InProgress" } };
    if (cluster.corednsAddon) cluster.corednsAddon.configurationValues = values;
    applyAddonValues(sim, values);
    return { update: { id: `update-${addonUpdates.length}`, status: "InProgress", type: "AddonUpdate" } };
  });
  eks.on(DescribeUpdateCommand).callsFake((input: { updateId?: string }) => ({
    update: { id: input.updateId, status: options.addonUpdateStatus ?? "Successful", errors: [] },
  }));
  const client = new EKSClient({
    region: cluster.region,
    credentials: { accessKeyId: "AKID", secretAccessKey: "s" },
  });
  const addon: CoreDnsAddonControl = {
    async describeCoreDns() {
      const found = await describeCoreDnsAddon(client, cluster.name);
      return (
        found && {
          addonVersion: found.addonVersion ?? "unknown",
          configurationValues: found.configurationValues,
        }
      );
    },
    updateConfiguration: (values, token) =>
      updateCoreDnsAddonConfiguration(client, cluster.name, values, token),
    updateStatus: (id) => describeCoreDnsAddonUpdate(client, cluster.name, id),
  };
  const coredns = () => cluster.deployments.find((d) => d.metadata.name === "coredns") as Deployment;
  let messages = 0;
  return {
    sim,
    cluster,
    kube,
    addon,
    addonUpdates,
    eks,
    coredns,
    writes: () =>
      sim.requests
        .filter((r) => r.method === "PATCH")
        .map((r) => ({ path: r.path, statusCode: r.statusCode })),
    deps: (env = {}, extra = {}) => ({
      kube,
      addon,
      config: readScaleConfig({ COREDNS_SCALE_MODE: "on", ...env }),
      pollMs: 1,
      sleep: async () => {},
      ...extra,
    }),
    group(codes, overrides = {}) {
      messages += 1;
      const node = cluster.facts.corednsNodes[0] as string;
      return enrichedGroup({
        cluster: cluster.name,
        routes: ["slack", "coredns-scale"],
        diagnosis: codes.map((code) => ({ code, reason: `${code} reason`, fix: "", nodes: [node] })),
        alerts: [
          {
            ...enrichedGroup().alerts[0],
            node: { ...nodeFacts(node) },
          } as EnrichedAlertGroup["alerts"][number],
        ],
        source: { ...enrichedGroup().source, messageId: `msg-${messages}` },
        ...overrides,
      });
    },
    async stop() {
      eks.restore();
      await sim.stop();
    },
  };
}

/** What EKS's add-on manager does with a new configuration: autoScaling keeps replicas >= min; replicaCount sets them. */
function applyAddonValues(sim: KubeApiSimulator, values: string): void {
  const parsed = parseYaml(values) as { replicaCount?: number; autoScaling?: { minReplicas?: number } };
  const deployment = sim.cluster.deployments.find((d) => d.metadata.name === "coredns");
  if (!deployment?.spec) return;
  const floor = parsed.autoScaling?.minReplicas ?? parsed.replicaCount ?? 0;
  if ((deployment.spec.replicas ?? 1) < floor) {
    deployment.spec.replicas = floor;
    deployment.metadata.generation = (deployment.metadata.generation ?? 1) + 1;
    sim.touch(deployment as { metadata: Deployment["metadata"] });
    reconcileCoreDns(sim);
  }
}

function nodeFacts(name: string) {
  return {
    name,
    instanceId: null,
    instanceType: null,
    zone: null,
    capacityType: "on-demand" as const,
    nodegroup: null,
    ready: true,
    createdAt: null,
    hostsCoreDNS: true,
    runsNodeLocalDNS: false,
    computeType: "ec2" as const,
  };
}
