import type { ConfigMap, Deployment, Node, Pod } from "../shared/cluster/kube-objects.ts";
import type { KubeApiServerOptions, KubeApiSimulator, StoredObject } from "./kube-api-server.ts";

/**
 * Just enough of kube-controller-manager, the scheduler and cluster-proportional-autoscaler for the scaler's
 * tests: when the coredns Deployment's replicas (or the autoscaler's `min`) go up, new CoreDNS pods are
 * scheduled, one per node that has none where possible (the add-on's preferred anti-affinity; only such
 * nodes under a required one), and reported Ready, with the Deployment's status to match.
 */
export const coreDnsControllers: NonNullable<KubeApiServerOptions["afterWrite"]> = (simulator, write) => {
  if (write.resource === "configmaps") applyAutoscalerMinimum(simulator, write.object as ConfigMap);
  reconcileCoreDns(simulator);
};

export function reconcileCoreDns(simulator: KubeApiSimulator): void {
  const cluster = simulator.cluster;
  const deployment = cluster.deployments.find(
    (d) => d.metadata.name === "coredns" && d.metadata.namespace === "kube-system",
  );
  if (!deployment) return;
  const desired = deployment.spec?.replicas ?? 1;
  const pods = cluster.pods.filter(isCoreDnsPod);
  const template = pods[0];
  while (template && pods.length < desired) {
    const node = pickNode(cluster.nodes, pods, requiresOnePerNode(deployment));
    if (!node) break;
    const pod = clonePod(template, node, pods.length);
    simulator.touch(pod as StoredObject);
    cluster.pods.push(pod);
    pods.push(pod);
  }
  const all = cluster.pods.filter(isCoreDnsPod);
  const ready = all.filter((p) =>
    p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
  );
  const status = deployment.status ?? {};
  const next = {
    ...status,
    observedGeneration: deployment.metadata.generation ?? status.observedGeneration,
    replicas: all.length,
    updatedReplicas: all.length,
    readyReplicas: ready.length,
    availableReplicas: ready.length,
  };
  if (JSON.stringify(next) !== JSON.stringify(status)) {
    deployment.status = next;
    simulator.touch(deployment as StoredObject);
  }
}

/** cluster-proportional-autoscaler's effect, reduced to the floor the scaler raises: replicas >= min. */
function applyAutoscalerMinimum(simulator: KubeApiSimulator, configMap: ConfigMap): void {
  if (configMap.metadata.name !== "dns-autoscaler") return;
  let floor = 0;
  try {
    if (configMap.data?.linear)
      floor = Number((JSON.parse(configMap.data.linear) as { min?: number }).min ?? 0);
    if (configMap.data?.ladder) {
      const ladder = JSON.parse(configMap.data.ladder) as Record<string, [number, number][]>;
      floor = Math.max(0, ...Object.values(ladder).flatMap((steps) => steps.slice(0, 1).map(([, n]) => n)));
    }
  } catch {
    return;
  }
  const deployment = simulator.cluster.deployments.find((d) => d.metadata.name === "coredns");
  if (deployment?.spec && (deployment.spec.replicas ?? 1) < floor) {
    deployment.spec.replicas = floor;
    deployment.metadata.generation = (deployment.metadata.generation ?? 1) + 1;
    simulator.touch(deployment as StoredObject);
  }
}

function isCoreDnsPod(pod: Pod): boolean {
  return pod.metadata.namespace === "kube-system" && pod.metadata.labels?.["k8s-app"] === "kube-dns";
}

function requiresOnePerNode(deployment: Deployment): boolean {
  return (
    deployment.spec?.template?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.some(
      (term) => term.topologyKey === "kubernetes.io/hostname",
    ) ?? false
  );
}

function pickNode(nodes: Node[], corednsPods: Pod[], onePerNode: boolean): Node | null {
  const hosting = new Set(corednsPods.map((p) => p.spec?.nodeName));
  const schedulable = nodes.filter(
    (n) =>
      !n.spec?.unschedulable &&
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") &&
      !(n.spec?.taints ?? []).some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"),
  );
  const free = schedulable.find((n) => !hosting.has(n.metadata.name));
  if (free) return free;
  return onePerNode ? null : (schedulable[0] ?? null);
}

function clonePod(template: Pod, node: Node, index: number): Pod {
  const pod = structuredClone(template);
  const suffix = `sc${String(index).padStart(3, "0")}`;
  const base = template.metadata.name.replace(/-[a-z0-9]{5}$/, "");
  pod.metadata = {
    ...pod.metadata,
    name: `${base}-${suffix}`,
    uid: `00000000-0000-4000-8000-${suffix.padStart(12, "0")}`,
  };
  pod.spec = { ...pod.spec, nodeName: node.metadata.name };
  const hostIP = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  const podIP = `10.99.${Math.floor(index / 250)}.${(index % 250) + 4}`;
  pod.status = {
    ...pod.status,
    phase: "Running",
    hostIP,
    podIP,
    podIPs: [{ ip: podIP }],
    conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({
      type,
      status: "True" as const,
    })),
    containerStatuses: (pod.status?.containerStatuses ?? []).map((c) => ({
      ...c,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: {} },
    })),
  };
  return pod;
}
