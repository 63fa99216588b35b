/**
 * Why a group lacks node facts, as a few stable values: the `reason` dimension of the EnrichmentFailures
 * metric. Decided from the failure's type where it happens (shared/enrich/failure.ts), never from its text.
 */
export const EnrichmentFailureReason = {
  off: "off",
  forbidden: "forbidden",
  unauthorized: "unauthorized",
  timeout: "timeout",
  otherCluster: "other-cluster",
  unreachable: "unreachable",
  other: "other",
} as const;
export type EnrichmentFailureReason = (typeof EnrichmentFailureReason)[keyof typeof EnrichmentFailureReason];

/** Most telling first: a missing permission explains a timeout that follows it, not the other way round. */
const SEVERITY: readonly EnrichmentFailureReason[] = [
  EnrichmentFailureReason.forbidden,
  EnrichmentFailureReason.unauthorized,
  EnrichmentFailureReason.unreachable,
  EnrichmentFailureReason.timeout,
  EnrichmentFailureReason.otherCluster,
  EnrichmentFailureReason.off,
  EnrichmentFailureReason.other,
];

/** The one reason a group's failures are counted under; null when there were none. */
export function mainFailureReason(
  reasons: readonly EnrichmentFailureReason[],
): EnrichmentFailureReason | null {
  return SEVERITY.find((reason) => reasons.includes(reason)) ?? null;
}
