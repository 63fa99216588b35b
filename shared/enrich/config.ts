import { type Env, readInt } from "../config/env.ts";
import { EnrichLimits } from "./constants.ts";

export interface EnrichConfig {
  /** How long cluster-wide DNS facts are reused across warm invocations; 0 turns the cache off. */
  clusterFactsTtlMs: number;
}

/** `CLUSTER_FACTS_CACHE_SECONDS` (default 60, 0 to 3600). */
export function readEnrichConfig(env: Env): EnrichConfig {
  const seconds = readInt(env, "CLUSTER_FACTS_CACHE_SECONDS", EnrichLimits.clusterFactsTtlMs / 1000, {
    min: 0,
    max: 3600,
  });
  return { clusterFactsTtlMs: seconds * 1000 };
}
