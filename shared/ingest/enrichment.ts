import type {
  AlertGroup,
  CoreDnsPlacement,
  Diagnosis,
  EnrichedAlert,
  EnrichmentFailureReason,
  NodeTalkers,
} from "../model/index.ts";

/** What enrichment adds to a group; produced by shared/enrich, consumed by the ingest pipeline. */
export interface GroupEnrichment {
  alerts: EnrichedAlert[];
  coredns: CoreDnsPlacement | null;
  diagnosis: Diagnosis[];
  /** Kubernetes API requests the enrichment made (0 when it did not reach a cluster). */
  kubeRequests?: number;
  /** Pods resolving through the VPC resolver on throttled nodes without CoreDNS, when looked up. */
  talkers?: NodeTalkers[];
  /** Why (some) node facts are missing, from the failures' types; null or absent when nothing failed. */
  failure?: EnrichmentFailureReason | null;
}

/**
 * Enriches and diagnoses one group against its cluster. Implementations never throw: a cluster they cannot
 * reach comes back as alerts with `enrichmentError` and an ENRICHMENT_UNAVAILABLE diagnosis.
 */
export type GroupEnricher = (group: AlertGroup) => Promise<GroupEnrichment>;
