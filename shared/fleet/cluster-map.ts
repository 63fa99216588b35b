import { ConfigError } from "../errors.ts";
import { ScaleMode } from "../model/index.ts";

/**
 * Where each cluster of a fleet lives, keyed by the value of the alerts' cluster label (`CLUSTER_LABEL`):
 * `CLUSTERS={"prod-eu": {"eksClusterName": "prod-eu", "region": "eu-west-1", "roleArn": "arn:aws:iam::..."}}`.
 * A central AMP workspace takes every cluster's metrics, so one Alertmanager topic carries them all; this map
 * is how one deployment reaches each. `EKS_CLUSTER_NAME` is the one-cluster shorthand.
 */
export interface ClusterEntry {
  /** The cluster label's value. */
  label: string;
  eksClusterName: string;
  region: string;
  /** Assumed for reads; null reaches the cluster with the function's own role (same account). */
  roleArn: string | null;
  /** Assumed by the scaler for its writes; defaults to `roleArn`. */
  scaleRoleArn: string | null;
  /** Overrides COREDNS_SCALE_MODE for this cluster. */
  scaleMode: ScaleMode | null;
}

export interface ClusterMap {
  entries: ReadonlyMap<string, ClusterEntry>;
  /** Where the map came from, for messages: `CLUSTERS`, `EKS_CLUSTER_NAME` or an SSM parameter. */
  source: string;
  /**
   * The cluster a group without a cluster label belongs to: the only one, when there is only one (as with
   * EKS_CLUSTER_NAME). With several, such a group is not enriched: guessing would read the wrong cluster.
   */
  unlabelled: ClusterEntry | null;
}

const ENTRY_KEYS = new Set(["eksClusterName", "region", "roleArn", "scaleRoleArn", "scaleMode"]);
/** EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric. */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Builds and checks the map; every problem names its entry and never echoes anything but the bad field. */
export function clusterMapFromObject(value: unknown, source: string): ClusterMap {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError(`${source} must be a map of cluster label value to {eksClusterName, region}`);
  const entries = new Map<string, ClusterEntry>();
  for (const [label, raw] of Object.entries(value)) {
    entries.set(label, clusterEntry(label, raw, source));
  }
  if (entries.size === 0) throw new ConfigError(`${source} names no cluster`);
  const only = entries.size === 1 ? [...entries.values()][0] : undefined;
  return { entries, source, unlabelled: only ?? null };
}

function clusterEntry(label: string, raw: unknown, source: string): ClusterEntry {
  const where = `${source} entry "${printable(label)}"`;
  if (label.trim() === "") throw new ConfigError(`${source} has an entry with an empty cluster label value`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ConfigError(`${where} must be an object with eksClusterName and region`);
  const record = raw as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !ENTRY_KEYS.has(key));
  if (unknown.length > 0)
    throw new ConfigError(
      `${where}: unknown key ${unknown.map((k) => `"${printable(k)}"`).join(", ")} (known: ${[...ENTRY_KEYS].join(", ")})`,
    );
  const text = (key: string, pattern: RegExp, what: string, required: boolean): string | null => {
    const field = record[key];
    if (field === undefined || field === null || field === "") {
      if (required) throw new ConfigError(`${where}: ${key} is required`);
      return null;
    }
    if (typeof field !== "string" || !pattern.test(field))
      throw new ConfigError(`${where}: ${key} must be ${what}`);
    return field;
  };
  const scaleMode = record.scaleMode;
  if (scaleMode !== undefined && !Object.values<unknown>(ScaleMode).includes(scaleMode))
    throw new ConfigError(`${where}: scaleMode must be one of ${Object.values(ScaleMode).join(", ")}`);
  const roleArn = text("roleArn", ROLE_ARN, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)", false);
  return {
    label,
    eksClusterName: text("eksClusterName", EKS_CLUSTER_NAME, "an EKS cluster name", true) as string,
    region: text("region", REGION, "an AWS region such as eu-west-1", true) as string,
    roleArn,
    scaleRoleArn:
      text("scaleRoleArn", ROLE_ARN, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)", false) ??
      roleArn,
    scaleMode: (scaleMode as ScaleMode | undefined) ?? null,
  };
}

/** JSON or YAML text of the map (YAML's parser loads only when the text is not JSON). */
export async function parseClusterMap(text: string, source: string): Promise<ClusterMap> {
  const trimmed = text.trim();
  let value: unknown;
  try {
    if (trimmed.startsWith("{")) value = JSON.parse(trimmed);
    else {
      const { parse } = await import("../lazy/yaml.ts");
      value = parse(trimmed);
    }
  } catch (error) {
    // The parser's own message may quote the text; only its position is kept.
    const at = /position \d+|line \d+(, column \d+)?|at line \d+/.exec(String(error))?.[0];
    throw new ConfigError(`${source} is neither a JSON object nor YAML${at ? ` (${at})` : ""}`);
  }
  return clusterMapFromObject(value, source);
}

/** The one-cluster shorthand: EKS_CLUSTER_NAME in the function's own region, with its own role. */
export function singleClusterMap(eksClusterName: string, region: string): ClusterMap {
  return clusterMapFromObject({ [eksClusterName]: { eksClusterName, region } }, "EKS_CLUSTER_NAME");
}

/** The entry for a group's cluster label value, or why there is none (an `ENRICHMENT_UNAVAILABLE` reason). */
export function clusterEntryFor(map: ClusterMap, cluster: string | null): ClusterEntry | string {
  if (cluster === null) {
    if (map.unlabelled) return map.unlabelled;
    return `the alert has no cluster label and ${map.source} names ${map.entries.size} clusters; add the label to the alert rule`;
  }
  const entry = map.entries.get(cluster);
  if (entry) return entry;
  if (map.source === "EKS_CLUSTER_NAME") {
    const [only] = map.entries.keys();
    return `the alert is for cluster "${cluster}" but this deployment enriches from "${only}"`;
  }
  return `cluster "${cluster}" has no entry in ${map.source}; add one ({"${cluster}": {"eksClusterName": ..., "region": ..., "roleArn": ...}})`;
}

function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a label that holds them is shown without them
  return [...text.replace(/[\u0000-\u001f\u007f]/g, "")].slice(0, 80).join("");
}
