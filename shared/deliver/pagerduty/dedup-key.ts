import { createHash } from "node:crypto";
import type { EnrichedAlertGroup } from "../../model/index.ts";

/**
 * One PagerDuty alert per incident, an incident being (cluster, alertname): the dedup_key is
 * `llsentinel-` + hex SHA-256 of `cluster \n alertname` (a missing value hashed as the empty string). It
 * does not depend on which nodes are affected, so nodes joining re-trigger the same alert with new details,
 * and the resolve of the group closes it. A raw fallback has no cluster or alertname to key on, so its key
 * hashes the SNS MessageId: a redelivery of the same message dedups, different messages stay apart.
 */
export function pagerDutyDedupKey(
  group: Pick<EnrichedAlertGroup, "cluster" | "alertname" | "raw" | "source">,
): string {
  if (group.raw !== null) return `llsentinel-raw-${sha256Hex(group.source.messageId)}`;
  return `llsentinel-${sha256Hex(`${group.cluster ?? ""}\n${group.alertname ?? ""}`)}`;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
