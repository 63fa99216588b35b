import {
  type Alert,
  type AlertGroup,
  AlertStatus,
  type LabelSet,
  labelFingerprint,
  type MessageFormat,
  type MessageSource,
} from "../model/index.ts";
import { wellFormed } from "../well-formed.ts";
import type { AmpMessage } from "./amp-message.ts";
import { normaliseAlertTime } from "./go-time.ts";
import { setOwn } from "./text-safety.ts";

/** An alert as a format reader found it, before times are normalised and common labels merged. */
export interface DraftAlert {
  status?: string | null;
  labels: LabelSet;
  annotations: LabelSet;
  startsAt?: string | null;
  endsAt?: string | null;
  generatorURL?: string | null;
  fingerprint?: string | null;
}

export interface DraftGroup {
  format: MessageFormat;
  status?: string | null;
  receiver?: string | null;
  groupKey?: string | null;
  groupLabels?: LabelSet;
  commonLabels?: LabelSet;
  commonAnnotations?: LabelSet;
  externalURL?: string | null;
  alerts: DraftAlert[];
  truncatedAlerts?: number;
  /** The reader saw the body end early (cut JSON, a block without its Source line). */
  cutShort?: boolean;
  warnings: string[];
}

export interface GroupOptions {
  /** Which label names the cluster (CLUSTER_LABEL). */
  clusterLabel: string;
  truncatedByAmp: boolean;
  /** The firing count the subject states (`[FIRING:300]`), when it states one. */
  subjectFiringCount?: number | null;
}

// Go templates print a missing map key as "<no value>"; it means the label is absent.
const GO_NO_VALUE = "<no value>";

export function buildGroup(draft: DraftGroup, message: AmpMessage, options: GroupOptions): AlertGroup {
  const warnings = [...draft.warnings];
  const commonLabels = cleanLabels(draft.commonLabels ?? {});
  const commonAnnotations = cleanLabels(draft.commonAnnotations ?? {});

  const alerts = draft.alerts.map((a, index) =>
    finishAlert(a, index, commonLabels, commonAnnotations, warnings),
  );
  const derivedCommonLabels =
    Object.keys(commonLabels).length > 0 ? commonLabels : intersect(alerts.map((a) => a.labels));
  const derivedCommonAnnotations =
    Object.keys(commonAnnotations).length > 0
      ? commonAnnotations
      : intersect(alerts.map((a) => a.annotations));
  const groupLabels = cleanLabels(draft.groupLabels ?? {});

  const source: MessageSource = {
    messageId: message.messageId,
    topicArn: message.topicArn,
    subject: message.subject,
    timestamp: message.timestamp,
    format: draft.format,
  };
  const cut = options.truncatedByAmp || draft.cutShort === true;
  const firingRead = alerts.filter((a) => a.status === AlertStatus.firing).length;
  // A body AMP cut still has its subject whole: the difference is what the cut lost.
  const missingPerSubject = cut ? (options.subjectFiringCount ?? 0) - firingRead : 0;
  const truncatedAlerts = Math.max(0, Math.trunc(draft.truncatedAlerts ?? 0), missingPerSubject);
  return {
    status: groupStatus(draft.status, alerts),
    receiver: nonEmpty(draft.receiver),
    groupKey: nonEmpty(draft.groupKey),
    groupLabels,
    commonLabels: derivedCommonLabels,
    commonAnnotations: derivedCommonAnnotations,
    externalURL: nonEmpty(draft.externalURL),
    alerts,
    alertname: pickLabel("alertname", groupLabels, derivedCommonLabels, alerts),
    cluster: pickCluster(options.clusterLabel, groupLabels, derivedCommonLabels, alerts, warnings),
    source,
    truncated: options.truncatedByAmp || truncatedAlerts > 0 || draft.cutShort === true,
    truncatedAlerts,
    warnings: warnings.map(wellFormed),
    raw: null,
  };
}

function finishAlert(
  draft: DraftAlert,
  index: number,
  commonLabels: LabelSet,
  commonAnnotations: LabelSet,
  warnings: string[],
): Alert {
  const labels = { ...commonLabels, ...cleanLabels(draft.labels) };
  const annotations = { ...commonAnnotations, ...cleanLabels(draft.annotations) };
  const startsAt = readTime(draft.startsAt, `alert ${index} startsAt`, warnings);
  const endsAtRaw = readTime(draft.endsAt, `alert ${index} endsAt`, warnings);
  const status = alertStatus(draft.status, endsAtRaw);
  return {
    status,
    labels,
    annotations,
    startsAt,
    // Alertmanager sends a future endsAt (its resolve timeout) on firing alerts; it is not an end.
    endsAt: status === AlertStatus.firing ? null : endsAtRaw,
    generatorURL: nonEmpty(draft.generatorURL),
    fingerprint: /^[0-9a-f]{16}$/.test(draft.fingerprint ?? "")
      ? (draft.fingerprint as string)
      : labelFingerprint(labels),
  };
}

function readTime(text: string | null | undefined, what: string, warnings: string[]): string | null {
  const parsed = normaliseAlertTime(text);
  if (parsed.ok) return parsed.value;
  warnings.push(`${what}: ${parsed.reason}`);
  return null;
}

function alertStatus(status: string | null | undefined, endsAt: string | null): AlertStatus {
  const lowered = status?.trim().toLowerCase();
  if (lowered === AlertStatus.firing || lowered === AlertStatus.resolved) return lowered;
  if (endsAt !== null && Date.parse(endsAt) <= Date.now()) return AlertStatus.resolved;
  return AlertStatus.firing;
}

function groupStatus(status: string | null | undefined, alerts: Alert[]): AlertStatus {
  const lowered = status?.trim().toLowerCase();
  // A group is firing while any of its alerts fires, whatever the message says: a "resolved" group with a
  // firing alert would close a PagerDuty incident that is still burning.
  if (alerts.some((a) => a.status === AlertStatus.firing)) return AlertStatus.firing;
  if (lowered === AlertStatus.firing || lowered === AlertStatus.resolved) return lowered;
  if (alerts.length > 0 && alerts.every((a) => a.status === AlertStatus.resolved))
    return AlertStatus.resolved;
  return AlertStatus.firing;
}

/** Labels as strings, without Go's "<no value>" placeholders or empty names. */
export function cleanLabels(input: Record<string, unknown>): LabelSet {
  const out: LabelSet = {};
  for (const [name, value] of Object.entries(input)) {
    if (name === "" || value === null || value === undefined) continue;
    const text =
      typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
    if (text === GO_NO_VALUE) continue;
    setOwn(out, wellFormed(name), wellFormed(text));
  }
  return out;
}

/** The pairs every set holds alike: Alertmanager's common labels (or annotations) of a group. */
export function intersect(sets: LabelSet[]): LabelSet {
  const [first, ...rest] = sets;
  if (!first) return {};
  const out: LabelSet = {};
  for (const [name, value] of Object.entries(first)) {
    if (rest.every((s) => Object.hasOwn(s, name) && s[name] === value)) setOwn(out, name, value);
  }
  return out;
}

function pickLabel(
  name: string,
  groupLabels: LabelSet,
  commonLabels: LabelSet,
  alerts: Alert[],
): string | null {
  const own = (set: LabelSet) => (Object.hasOwn(set, name) ? set[name] : undefined);
  return own(groupLabels) ?? own(commonLabels) ?? alerts.map((a) => own(a.labels)).find(Boolean) ?? null;
}

function pickCluster(
  clusterLabel: string,
  groupLabels: LabelSet,
  commonLabels: LabelSet,
  alerts: Alert[],
  warnings: string[],
): string | null {
  const own = (set: LabelSet) => (Object.hasOwn(set, clusterLabel) ? set[clusterLabel] : undefined);
  const shared = own(groupLabels) ?? own(commonLabels);
  if (shared) return shared;
  const seen = [...new Set(alerts.map((a) => own(a.labels)).filter((v): v is string => Boolean(v)))];
  if (seen.length > 1)
    warnings.push(`alerts name ${seen.length} clusters (${seen.slice(0, 5).join(", ")}); using "${seen[0]}"`);
  return seen[0] ?? null;
}

function nonEmpty(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? wellFormed(trimmed) : null;
}
