import { MessageFormat } from "../model/index.ts";
import type { DraftGroup } from "./build-group.ts";
import { hasOwn, setOwn } from "./text-safety.ts";

/**
 * Reads a custom `message:` template of `key: value` lines, the AWS blog's style
 * (`alert_type: {{ .CommonLabels.alertname }}`). Such a message describes the group as a whole, so it
 * becomes one alert whose labels are the keys. `alert_type` doubles as `alertname`.
 */

const LINE = /^\s*([A-Za-z_][A-Za-z0-9_.\-/]*)\s*:\s?(.*)$/;
const ALIASES: Record<string, string> = { alert_type: "alertname", alert_name: "alertname" };
const STATUS_KEYS = ["status", "alert_status"];
const ANNOTATION_KEYS = new Set(["summary", "description", "message", "runbook_url", "runbook", "dashboard"]);

export function looksLikeKeyValue(body: string): boolean {
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== "");
  return lines.length > 0 && lines.every((l) => LINE.test(l));
}

export function readKeyValue(body: string, subjectStatus: string | null): DraftGroup {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const line of body.split(/\r?\n/)) {
    const match = LINE.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    const value = (match[2] as string).trim();
    setOwn(ANNOTATION_KEYS.has(key) ? annotations : labels, key, value);
    const alias = hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
    if (alias && value !== "" && !hasOwn(labels, alias)) setOwn(labels, alias, value);
  }
  const statusKey = STATUS_KEYS.find((k) => hasOwn(labels, k) && labels[k]);
  const status = (statusKey ? labels[statusKey] : null) ?? subjectStatus;
  for (const [key, value] of Object.entries(labels)) if (value === "") delete labels[key];
  return {
    format: MessageFormat.keyValue,
    status,
    alerts: [{ status, labels, annotations }],
    warnings: [],
  };
}
