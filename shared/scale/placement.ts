import type {
  Deployment,
  Node,
  NodeSelectorRequirement,
  Taint,
  Toleration,
} from "../cluster/kube-objects.ts";

/**
 * Which nodes could take a CoreDNS replica, read from the Deployment's own pod template the way the
 * scheduler reads it: Ready, not cordoned, every NoSchedule/NoExecute taint tolerated, nodeSelector and
 * required node affinity satisfied. A replica stacked on a node that already runs one shares that node's ENI
 * allowance and adds nothing, so the scaler counts one replica per node; under a required anti-affinity on a
 * wider key (the zone), one per value of that key.
 */
export interface PlacementRules {
  nodeSelector: Record<string, string>;
  nodeAffinity: NodeSelectorRequirement[][];
  tolerations: Toleration[];
  /** The label whose values bound the replica count: the hostname, or a zone under required anti-affinity. */
  spreadKey: string;
}

const HOSTNAME = "kubernetes.io/hostname";
const COMPUTE_TYPE = "eks.amazonaws.com/compute-type";

export function placementRules(deployment: Deployment): PlacementRules {
  const spec = deployment.spec?.template?.spec;
  const terms =
    spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const antiAffinityKeys = (
    spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []
  )
    .map((term) => term.topologyKey)
    .filter((key) => typeof key === "string" && key !== "");
  return {
    nodeSelector: spec?.nodeSelector ?? {},
    nodeAffinity: terms.map((term) => term.matchExpressions ?? []),
    tolerations: spec?.tolerations ?? [],
    spreadKey: antiAffinityKeys.find((key) => key !== HOSTNAME) ?? HOSTNAME,
  };
}

/** Why a node cannot take a replica, or null when it can. */
export function whyNodeCannotTake(node: Node, rules: PlacementRules): string | null {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  if (!ready) return "not Ready";
  if (node.spec?.unschedulable) return "cordoned";
  const labels = node.metadata.labels ?? {};
  // A Fargate node runs the one pod it was made for; a new replica gets a node of its own (or none).
  if (labels[COMPUTE_TYPE] === "fargate") return "Fargate";
  const untolerated = (node.spec?.taints ?? []).find(
    (taint) =>
      (taint.effect === "NoSchedule" || taint.effect === "NoExecute") &&
      !rules.tolerations.some((toleration) => tolerates(toleration, taint)),
  );
  if (untolerated) return `taint ${untolerated.key}:${untolerated.effect} not tolerated`;
  for (const [key, value] of Object.entries(rules.nodeSelector)) {
    if (labels[key] !== value) return `nodeSelector ${key}=${value} not matched`;
  }
  if (rules.nodeAffinity.length > 0 && !rules.nodeAffinity.some((term) => matchesTerm(term, labels))) {
    return "required node affinity not matched";
  }
  return null;
}

/** Kubernetes toleration matching: an empty key with Exists tolerates everything; an empty effect, any effect. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === "Exists") return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? "") === (taint.value ?? "");
}

function matchesTerm(term: NodeSelectorRequirement[], labels: Record<string, string>): boolean {
  return term.every((requirement) => matchesRequirement(requirement, labels));
}

function matchesRequirement(requirement: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      const [bound] = values;
      if (value === undefined || bound === undefined) return false;
      const a = Number(value);
      const b = Number(bound);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return requirement.operator === "Gt" ? a > b : a < b;
    }
    default:
      // An operator this code does not know could exclude the node; assume it does.
      return false;
  }
}

/** What a scan of the nodes found: how many replicas the cluster can spread, and over which nodes. */
export interface NodeCapacity {
  /** Distinct spread-key values among eligible nodes (nodes, or zones under zonal anti-affinity). */
  capacity: number;
  spreadKey: string;
  eligibleNodes: string[];
  scannedNodes: number;
  /** False when the scan stopped early because enough capacity was found. */
  complete: boolean;
  /** Why scanned nodes were left out, counted ("not Ready": 2, "cordoned": 1). */
  excluded: Record<string, number>;
}

/** Accumulates capacity over pages of nodes; `enough` tells the reader to stop listing. */
export class CapacityCounter {
  private readonly values = new Set<string>();
  private readonly eligible: string[] = [];
  private readonly excluded: Record<string, number> = {};
  private scanned = 0;

  constructor(
    private readonly rules: PlacementRules,
    private readonly wanted: number,
  ) {}

  add(nodes: readonly Node[]): void {
    for (const node of nodes) {
      this.scanned += 1;
      const why = whyNodeCannotTake(node, this.rules);
      if (why !== null) {
        const reason = why.startsWith("taint ") ? "tainted" : why;
        this.excluded[reason] = (this.excluded[reason] ?? 0) + 1;
        continue;
      }
      this.eligible.push(node.metadata.name);
      const value =
        this.rules.spreadKey === HOSTNAME ? node.metadata.name : node.metadata.labels?.[this.rules.spreadKey];
      if (value !== undefined) this.values.add(value);
    }
  }

  get enough(): boolean {
    return this.values.size >= this.wanted;
  }

  result(complete: boolean): NodeCapacity {
    return {
      capacity: this.values.size,
      spreadKey: this.rules.spreadKey,
      eligibleNodes: [...this.eligible],
      scannedNodes: this.scanned,
      complete,
      excluded: { ...this.excluded },
    };
  }
}
