import type { EnrichedAlertGroup } from "../model/index.ts";
import { encodeGroup } from "../model/internal-message.ts";

/**
 * SNS rejects messages over 256 KiB (https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
 * counts attributes in the same limit). We keep headroom for the attributes and the JSON envelope.
 */
export const SNS_MESSAGE_LIMIT_BYTES = 256 * 1024;
export const GROUP_BUDGET_BYTES = SNS_MESSAGE_LIMIT_BYTES - 8 * 1024;
/** Raw fallback text keeps well under the budget so the rest of the group always fits beside it. */
export const RAW_TEXT_BUDGET_BYTES = 200 * 1024;
/** Longest label or annotation value kept once a group is too large; no human reads past it in a page. */
export const MAX_VALUE_CHARS = 4096;
const CUT_MARKER = "…[cut]";

/** UTF-8 bytes `ch` takes inside a JSON string: quotes, backslashes and control characters grow when escaped. */
function encodedBytes(ch: string): number {
  return Buffer.byteLength(JSON.stringify(ch), "utf8") - 2;
}

/**
 * Cuts text so that, JSON-encoded, it takes at most `maxBytes`, without splitting a character. Counting the
 * encoded size matters: 200 KB of quotes or control characters is 400 KB to 1.2 MB once escaped.
 */
export function cutToBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = encodedBytes(ch);
    if (bytes + size > maxBytes) return { text: text.slice(0, end), cut: true };
    bytes += size;
    end += ch.length;
  }
  return { text, cut: false };
}

/**
 * Makes a group fit one SNS message, measured as it will travel (gzipped when plain JSON is too large, see
 * shared/model/internal-message.ts). Only a group too large even compressed loses alerts: the few huge values
 * are cut first, then alerts are left out (firing ones kept first), and the group says how many.
 */
export function fitGroupToSns(group: EnrichedAlertGroup, budget = GROUP_BUDGET_BYTES): EnrichedAlertGroup {
  if (size(group, budget) <= budget) return group;
  // First cut the few huge values (a runaway annotation), which keeps every alert; then drop alerts.
  const capped = capValues(group);
  if (size(capped, budget) <= budget) return capped;
  const ordered = [...capped.alerts].sort(
    (a, b) => Number(b.status === "firing") - Number(a.status === "firing"),
  );
  let low = 0;
  let high = ordered.length;
  // Largest number of alerts that fits, by binary search over the kept prefix.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (size(withAlerts(capped, ordered, mid), budget) <= budget) low = mid;
    else high = mid - 1;
  }
  return withAlerts(capped, ordered, low);
}

function capValues(group: EnrichedAlertGroup): EnrichedAlertGroup {
  let cut = 0;
  const cap = (set: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(set)) {
      if (value.length <= MAX_VALUE_CHARS) {
        out[name] = value;
        continue;
      }
      cut++;
      out[name] =
        `${[...value.slice(0, MAX_VALUE_CHARS + 1)].slice(0, MAX_VALUE_CHARS - CUT_MARKER.length).join("")}${CUT_MARKER}`;
    }
    return out;
  };
  const capped: EnrichedAlertGroup = {
    ...group,
    groupLabels: cap(group.groupLabels),
    commonLabels: cap(group.commonLabels),
    commonAnnotations: cap(group.commonAnnotations),
    alerts: group.alerts.map((a) => ({ ...a, labels: cap(a.labels), annotations: cap(a.annotations) })),
    warnings: group.warnings.slice(0, 50).map((w) => (w.length > 500 ? `${w.slice(0, 499)}…` : w)),
  };
  if (cut === 0) return capped;
  return {
    ...capped,
    truncated: true,
    warnings: [
      ...capped.warnings,
      `${cut} label/annotation values over ${MAX_VALUE_CHARS} characters were cut to fit SNS`,
    ],
  };
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

/** Bytes the group takes on the internal topic, compressed when plain JSON would not fit. */
function size(group: EnrichedAlertGroup, budget: number): number {
  return Buffer.byteLength(encodeGroup(group, budget).body, "utf8");
}
