import { MessageFormat } from "../model/index.ts";
import type { DraftAlert, DraftGroup } from "./build-group.ts";
import { undoGoWideEscapes } from "./go-js-escape.ts";
import { parseLenientJson } from "./lenient-json.ts";
import { setOwn } from "./text-safety.ts";

/**
 * Reads a JSON alert group: the Alertmanager webhook v4 body, or the hand-built JSON of the AWS-documented
 * `sns.default.message` template (Go times, unescaped values, no version/groupKey). Strict JSON first;
 * the lenient reader only when that fails.
 */
export type JsonReadResult = { ok: true; draft: DraftGroup } | { ok: false; reason: string };

export function readJsonMessage(input: string): JsonReadResult {
  // Go's `js` writes runes beyond U+FFFF that it deems unprintable as `\u` + five or six hex digits.
  const parsed = parseBody(undoGoWideEscapes(input));
  if (!parsed.ok) return parsed;
  const { value, cutShort, warnings } = parsed;
  if (!isRecord(value))
    return { ok: false, reason: `JSON body is ${describe(value)}, not an alert group object` };
  if (!Array.isArray(value.alerts)) {
    return { ok: false, reason: 'JSON body has no "alerts" array: not an Alertmanager alert group' };
  }
  const alerts = draftAlerts(value.alerts, warnings);
  // Webhook bodies carry `version`/`groupKey`; the AWS template carries neither.
  const isWebhook = "version" in value || "groupKey" in value || "truncatedAlerts" in value;
  return {
    ok: true,
    draft: {
      format: isWebhook ? MessageFormat.webhookJson : MessageFormat.awsJsonTemplate,
      status: text(value.status),
      receiver: text(value.receiver),
      groupKey: text(value.groupKey),
      groupLabels: record(value.groupLabels),
      commonLabels: record(value.commonLabels),
      commonAnnotations: record(value.commonAnnotations),
      externalURL: text(value.externalURL),
      truncatedAlerts: typeof value.truncatedAlerts === "number" ? value.truncatedAlerts : 0,
      alerts,
      cutShort,
      warnings,
    },
  };
}

/** Strict JSON, else the lenient reader with its repairs as warnings; both parsers' reasons when neither reads it. */
function parseBody(
  body: string,
): { ok: true; value: unknown; cutShort: boolean; warnings: string[] } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(body), cutShort: false, warnings: [] };
  } catch (strictError) {
    try {
      const lenient = parseLenientJson(body);
      const cutShort = !lenient.complete;
      const warnings = [...lenient.repairs];
      if (cutShort) warnings.push("the JSON body ends early; kept every complete alert");
      return { ok: true, value: lenient.value, cutShort, warnings };
    } catch (lenientError) {
      const why = lenientError instanceof Error ? lenientError.message : String(lenientError);
      const strictWhy = strictError instanceof Error ? strictError.message : String(strictError);
      return { ok: false, reason: `invalid JSON: ${why} (strict parser: ${strictWhy})` };
    }
  }
}

/** Each alert object as a draft; anything else in the array is skipped with a warning naming its index. */
function draftAlerts(items: unknown[], warnings: string[]): DraftAlert[] {
  const alerts: DraftAlert[] = [];
  items.forEach((item, index) => {
    if (!isRecord(item)) {
      warnings.push(`alert ${index} is ${describe(item)}, skipped`);
      return;
    }
    alerts.push({
      status: text(item.status),
      labels: record(item.labels),
      annotations: record(item.annotations),
      startsAt: text(item.startsAt),
      endsAt: text(item.endsAt),
      generatorURL: text(item.generatorURL),
      fingerprint: text(item.fingerprint),
    });
  });
  return alerts;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    setOwn(out, k, typeof v === "string" ? v : JSON.stringify(v));
  }
  return out;
}

function text(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
