/** Stable diagnosis codes: users filter and route on them, so never rename one. */
export const DiagnosisCode = {
  corednsOnThrottledNode: "COREDNS_ON_THROTTLED_NODE",
  corednsColocated: "COREDNS_COLOCATED",
  corednsOnSpot: "COREDNS_ON_SPOT",
  corednsUnderscaled: "COREDNS_UNDERSCALED",
  nodelocalDnsAbsent: "NODELOCAL_DNS_ABSENT",
  nodelocalDnsOnThrottledNode: "NODELOCAL_DNS_ON_THROTTLED_NODE",
  nonCorednsNodeThrottled: "NON_COREDNS_NODE_THROTTLED",
  corednsReplicasManaged: "COREDNS_REPLICAS_MANAGED",
  hostnetworkDnsBypass: "HOSTNETWORK_DNS_BYPASS",
  enrichmentUnavailable: "ENRICHMENT_UNAVAILABLE",
  autoModeNodeThrottled: "AUTO_MODE_NODE_THROTTLED",
  corednsNotFound: "COREDNS_NOT_FOUND",
} as const;
export type DiagnosisCode = (typeof DiagnosisCode)[keyof typeof DiagnosisCode];

export interface Diagnosis {
  code: DiagnosisCode;
  /** One line: why this applies here. */
  reason: string;
  /** One line: what to do about it. */
  fix: string;
  /**
   * The shell commands `fix` holds, each exactly as it appears there, so a renderer can set them apart
   * (Slack shows each in a code block). Absent or empty: `fix` is prose only.
   */
  commands?: string[];
  /** Nodes the finding is about (may be empty for cluster-wide findings). */
  nodes: string[];
}
