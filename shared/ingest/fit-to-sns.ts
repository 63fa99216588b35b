import type { EnrichedAlertGroup } from "../model/index.ts";

/**
 * SNS rejects messages over 256 KiB (https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
 * counts attributes in the same limit). We keep headroom for the attributes and the JSON envelope.
 */
export const SNS_MESSAGE_LIMIT_BYTES = 256 * 1024;
export const GROUP_BUDGET_BYTES = SNS_MESSAGE_LIMIT_BYTES - 8 * 1024;
/** Raw fallback text keeps well under the budget so the rest of the group always fits beside it. */
export const RAW_TEXT_BUDGET_BYTES = 200 * 1024;

/** Cuts text to at most `maxBytes` of UTF-8 without splitting a character. */
export function cutToBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return { text, cut: false };
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, "utf8");
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return { text: text.slice(0, end), cut: true };
}

/**
 * Makes a group fit one SNS message. Alerts beyond what fits are left out (firing ones kept first), and the
 * group says how many: sinks summarise large groups anyway, so counts matter more than every label.
 */
export function fitGroupToSns(group: EnrichedAlertGroup, budget = GROUP_BUDGET_BYTES): EnrichedAlertGroup {
  if (size(group) <= budget) return group;
  const ordered = [...group.alerts].sort(
    (a, b) => Number(b.status === "firing") - Number(a.status === "firing"),
  );
  let low = 0;
  let high = ordered.length;
  // Largest number of alerts that fits, by binary search over the kept prefix.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (size(withAlerts(group, ordered, mid)) <= budget) low = mid;
    else high = mid - 1;
  }
  return withAlerts(group, ordered, low);
}

function withAlerts(
  group: EnrichedAlertGroup,
  ordered: EnrichedAlertGroup["alerts"],
  keep: number,
): EnrichedAlertGroup {
  const left = ordered.length - keep;
  return {
    ...group,
    alerts: ordered.slice(0, keep),
    truncated: true,
    truncatedAlerts: group.truncatedAlerts + left,
    warnings: [
      ...group.warnings,
      `${left} of ${ordered.length} alerts left out to fit SNS's 256 KiB message limit`,
    ],
  };
}

function size(group: EnrichedAlertGroup): number {
  return Buffer.byteLength(JSON.stringify(group), "utf8");
}
