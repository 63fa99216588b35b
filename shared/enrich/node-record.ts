import type { Node, ObjectMeta } from "../cluster/kube-objects.ts";
import type { CapacityType, NodeFacts } from "../model/index.ts";
import { CSI_NODE_ID_ANNOTATION, NodeLabel } from "./constants.ts";
import { computeTypeOf } from "./dns-layout.ts";
import { instanceIdFromProviderId, isInstanceId } from "./node-identity.ts";
import { cellText, type TableRecord } from "./table.ts";

/**
 * A node as far as enrichment knows it, whichever response form it came from: a full object, a Table row
 * with metadata, or a bare Table row. Fields the form does not carry are null.
 */
export interface NodeRecord {
  name: string;
  /** InternalIP, Hostname and InternalDNS addresses, plus the hostname label: what an `instance` host may be. */
  addresses: string[];
  instanceId: string | null;
  labels: Record<string, string> | null;
  createdAt: string | null;
  ready: boolean | null;
  unschedulable: boolean | null;
}

const MATCHABLE_ADDRESS_TYPES = new Set(["InternalIP", "Hostname", "InternalDNS"]);

export function nodeRecordFromObject(node: Node): NodeRecord {
  const addresses = (node.status?.addresses ?? [])
    .filter((address) => MATCHABLE_ADDRESS_TYPES.has(address.type))
    .map((address) => address.address.toLowerCase());
  const ready = node.status?.conditions?.find((condition) => condition.type === "Ready");
  return {
    name: node.metadata.name,
    addresses: withHostnameLabel(addresses, node.metadata.labels),
    instanceId: instanceIdFromProviderId(node.spec?.providerID) ?? instanceIdFromMetadata(node.metadata),
    labels: node.metadata.labels ?? {},
    createdAt: node.metadata.creationTimestamp ?? null,
    ready: ready ? ready.status === "True" : null,
    unschedulable: node.spec?.unschedulable === true,
  };
}

/** From the node Table: `Status` reads `Ready`, `NotReady`, `Unknown`, optionally `,SchedulingDisabled`. */
export function nodeRecordFromTable(record: TableRecord): NodeRecord | null {
  const name = cellText(record, "Name") ?? record.metadata?.name;
  if (!name) return null;
  const status = (cellText(record, "Status") ?? "").split(",");
  const internalIp = cellText(record, "Internal-IP");
  const metadata = record.metadata;
  return {
    name,
    addresses: withHostnameLabel(internalIp ? [internalIp.toLowerCase()] : [], metadata?.labels),
    instanceId: metadata ? instanceIdFromMetadata(metadata) : instanceIdFromName(name),
    labels: metadata?.labels ?? null,
    createdAt: metadata?.creationTimestamp ?? null,
    ready: status.includes("Ready")
      ? true
      : status.includes("NotReady") || status.includes("Unknown")
        ? false
        : null,
    unschedulable: status.includes("SchedulingDisabled"),
  };
}

function withHostnameLabel(addresses: string[], labels: Record<string, string> | undefined): string[] {
  const hostname = labels?.[NodeLabel.hostname]?.toLowerCase();
  return hostname && !addresses.includes(hostname) ? [...addresses, hostname] : addresses;
}

/** Without spec.providerID: an instance-id node name (EKS Auto Mode) or the EBS CSI driver's annotation. */
function instanceIdFromMetadata(metadata: ObjectMeta): string | null {
  const fromName = instanceIdFromName(metadata.name);
  if (fromName) return fromName;
  const csi = metadata.annotations?.[CSI_NODE_ID_ANNOTATION];
  if (!csi) return null;
  try {
    const ids = Object.values(JSON.parse(csi) as Record<string, unknown>);
    const id = ids.find((value): value is string => typeof value === "string" && isInstanceId(value));
    return id ?? null;
  } catch {
    return null;
  }
}

function instanceIdFromName(name: string): string | null {
  const first = name.split(".")[0] ?? "";
  return isInstanceId(first) ? first : null;
}

export function capacityTypeOf(labels: Record<string, string> | null): CapacityType {
  const value = (
    labels?.[NodeLabel.eksCapacityType] ?? labels?.[NodeLabel.karpenterCapacityType]
  )?.toLowerCase();
  if (value === "spot") return "spot";
  if (value === "on_demand" || value === "on-demand") return "on-demand";
  return "unknown";
}

export function nodeFacts(
  record: NodeRecord,
  dns: { hostsCoreDNS: boolean; runsNodeLocalDNS: boolean },
): NodeFacts {
  const labels = record.labels;
  return {
    name: record.name,
    instanceId: record.instanceId,
    instanceType: labels?.[NodeLabel.instanceType] ?? labels?.[NodeLabel.instanceTypeBeta] ?? null,
    zone: labels?.[NodeLabel.zone] ?? labels?.[NodeLabel.zoneBeta] ?? null,
    capacityType: capacityTypeOf(labels),
    nodegroup:
      labels?.[NodeLabel.eksNodegroup] ??
      labels?.[NodeLabel.karpenterNodepool] ??
      labels?.[NodeLabel.eksctlNodegroup] ??
      null,
    ready: record.ready === true,
    createdAt: record.createdAt,
    hostsCoreDNS: dns.hostsCoreDNS,
    runsNodeLocalDNS: dns.runsNodeLocalDNS,
    computeType: computeTypeOf(labels, record.name),
  };
}

/** Keeps the richer record when the same node arrived in two forms (a full object beats a Table row). */
export function mergeNodeRecords(older: NodeRecord | undefined, newer: NodeRecord): NodeRecord {
  if (!older) return newer;
  return {
    name: newer.name,
    addresses: [...new Set([...older.addresses, ...newer.addresses])],
    instanceId: newer.instanceId ?? older.instanceId,
    labels: newer.labels ?? older.labels,
    createdAt: newer.createdAt ?? older.createdAt,
    ready: newer.ready ?? older.ready,
    unschedulable: newer.unschedulable ?? older.unschedulable,
  };
}
