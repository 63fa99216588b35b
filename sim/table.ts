import type {
  ConfigMap,
  DaemonSet,
  Deployment,
  Node,
  Pod,
  Service,
  TableColumnDefinition,
  TableRow,
} from "../shared/cluster/kube-objects.ts";

/**
 * Server-side printing as `kubectl get` shows it (the columns and cell formats of the API server's table
 * convertors), for the `as=Table` response form. Priority 1 columns are the `-o wide` ones.
 */

export type Printer<T> = { columns: TableColumnDefinition[]; cells: (object: T, now: number) => unknown[] };

function column(name: string, type: string, priority = 0, format = ""): TableColumnDefinition {
  return { name, type, format, description: `${name} column`, priority };
}

const nameColumn: TableColumnDefinition = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace.",
  priority: 0,
};
const ageColumn = column("Age", "string");

/** kubectl's short duration: 45s, 12m, 5h, 3d, 2y. */
export function humanAge(created: string | undefined, now: number): string {
  if (!created) return "<unknown>";
  const seconds = Math.max(0, Math.floor((now - Date.parse(created)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

function address(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";
}

function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  const states = [ready?.status === "True" ? "Ready" : ready ? "NotReady" : "Unknown"];
  if (node.spec?.unschedulable) states.push("SchedulingDisabled");
  return states.join(",");
}

function nodeRoles(node: Node): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((key) => key.startsWith("node-role.kubernetes.io/"))
    .map((key) => key.slice("node-role.kubernetes.io/".length));
  return roles.length > 0 ? roles.join(",") : "<none>";
}

export const nodePrinter: Printer<Node> = {
  columns: [
    nameColumn,
    column("Status", "string"),
    column("Roles", "string"),
    ageColumn,
    column("Version", "string"),
    column("Internal-IP", "string", 1),
    column("External-IP", "string", 1),
    column("OS-Image", "string", 1),
    column("Kernel-Version", "string", 1),
    column("Container-Runtime", "string", 1),
  ],
  cells: (node, now) => [
    node.metadata.name,
    nodeStatus(node),
    nodeRoles(node),
    humanAge(node.metadata.creationTimestamp, now),
    node.status?.nodeInfo?.kubeletVersion ?? "",
    address(node, "InternalIP"),
    address(node, "ExternalIP"),
    node.status?.nodeInfo?.osImage ?? "<unknown>",
    node.status?.nodeInfo?.kernelVersion ?? "<unknown>",
    node.status?.nodeInfo?.containerRuntimeVersion ?? "<unknown>",
  ],
};

export const podPrinter: Printer<Pod> = {
  columns: [
    nameColumn,
    column("Ready", "string"),
    column("Status", "string"),
    column("Restarts", "string"),
    ageColumn,
    column("IP", "string", 1),
    column("Node", "string", 1),
    column("Nominated Node", "string", 1),
    column("Readiness Gates", "string", 1),
  ],
  cells: (pod, now) => {
    const statuses = pod.status?.containerStatuses ?? [];
    const total = pod.spec?.containers?.length ?? statuses.length;
    const ready = statuses.filter((s) => s.ready).length;
    const restarts = statuses.reduce((sum, s) => sum + s.restartCount, 0);
    return [
      pod.metadata.name,
      `${ready}/${total}`,
      pod.status?.phase ?? "Unknown",
      String(restarts),
      humanAge(pod.metadata.creationTimestamp, now),
      pod.status?.podIP ?? "<none>",
      pod.spec?.nodeName ?? "<none>",
      "<none>",
      "<none>",
    ];
  },
};

function containersOf(spec: Pod["spec"]): [string, string] {
  const containers = spec?.containers ?? [];
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image ?? "").join(",")];
}

function selectorOf(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

export const deploymentPrinter: Printer<Deployment> = {
  columns: [
    nameColumn,
    column("Ready", "string"),
    column("Up-to-date", "integer"),
    column("Available", "integer"),
    ageColumn,
    column("Containers", "string", 1),
    column("Images", "string", 1),
    column("Selector", "string", 1),
  ],
  cells: (deployment, now) => {
    const [containers, images] = containersOf(deployment.spec?.template?.spec);
    return [
      deployment.metadata.name,
      `${deployment.status?.readyReplicas ?? 0}/${deployment.spec?.replicas ?? 0}`,
      deployment.status?.updatedReplicas ?? 0,
      deployment.status?.availableReplicas ?? 0,
      humanAge(deployment.metadata.creationTimestamp, now),
      containers,
      images,
      selectorOf(deployment.spec?.selector?.matchLabels),
    ];
  },
};

export const daemonSetPrinter: Printer<DaemonSet> = {
  columns: [
    nameColumn,
    column("Desired", "integer"),
    column("Current", "integer"),
    column("Ready", "integer"),
    column("Up-to-date", "integer"),
    column("Available", "integer"),
    column("Node Selector", "string"),
    ageColumn,
    column("Containers", "string", 1),
    column("Images", "string", 1),
    column("Selector", "string", 1),
  ],
  cells: (daemonSet, now) => {
    const [containers, images] = containersOf(daemonSet.spec?.template?.spec);
    const status = daemonSet.status ?? {};
    return [
      daemonSet.metadata.name,
      status.desiredNumberScheduled ?? 0,
      status.currentNumberScheduled ?? 0,
      status.numberReady ?? 0,
      status.updatedNumberScheduled ?? 0,
      status.numberAvailable ?? 0,
      "<none>",
      humanAge(daemonSet.metadata.creationTimestamp, now),
      containers,
      images,
      selectorOf(daemonSet.spec?.selector?.matchLabels),
    ];
  },
};

export const configMapPrinter: Printer<ConfigMap> = {
  columns: [nameColumn, column("Data", "integer"), ageColumn],
  cells: (configMap, now) => [
    configMap.metadata.name,
    Object.keys(configMap.data ?? {}).length,
    humanAge(configMap.metadata.creationTimestamp, now),
  ],
};

export const servicePrinter: Printer<Service> = {
  columns: [
    nameColumn,
    column("Type", "string"),
    column("Cluster-IP", "string"),
    column("External-IP", "string"),
    column("Port(s)", "string"),
    ageColumn,
    column("Selector", "string", 1),
  ],
  cells: (service, now) => [
    service.metadata.name,
    service.spec?.type ?? "ClusterIP",
    service.spec?.clusterIP ?? "<none>",
    "<none>",
    "53/UDP,53/TCP",
    humanAge(service.metadata.creationTimestamp, now),
    service.spec?.selector
      ? Object.entries(service.spec.selector)
          .map(([key, value]) => `${key}=${value}`)
          .join(",")
      : "<none>",
  ],
};

export type IncludeObject = "None" | "Metadata" | "Object";

export function tableRows<T extends { metadata: Node["metadata"]; kind?: string }>(
  printer: Printer<T>,
  objects: T[],
  includeObject: IncludeObject,
  now: number,
): TableRow[] {
  return objects.map((object) => {
    const row: TableRow = { cells: printer.cells(object, now) };
    if (includeObject === "Metadata") {
      row.object = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
    } else if (includeObject === "Object") {
      row.object = object as unknown as Record<string, unknown>;
    }
    return row;
  });
}
