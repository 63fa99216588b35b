/**
 * The alert model every stage speaks: parsers produce it, enrichment and diagnosis extend it,
 * sinks render it. Times are RFC 3339 UTC strings so the model survives JSON round trips over SNS.
 */

export const AlertStatus = { firing: "firing", resolved: "resolved" } as const;
export type AlertStatus = (typeof AlertStatus)[keyof typeof AlertStatus];

/** A group is `unknown` only when it is a raw fallback whose text could not be parsed. */
export type GroupStatus = AlertStatus | "unknown";

export type LabelSet = Record<string, string>;

export interface Alert {
  status: AlertStatus;
  labels: LabelSet;
  annotations: LabelSet;
  /** RFC 3339 UTC, or null when the message did not carry it. */
  startsAt: string | null;
  /** RFC 3339 UTC; null while firing (Alertmanager's zero time and the empty string both map to null). */
  endsAt: string | null;
  generatorURL: string | null;
  /** Alertmanager's fingerprint, or a stable hash of the sorted label set when absent. */
  fingerprint: string;
}

/** Which of AMP's message shapes the body was read as. */
export const MessageFormat = {
  webhookJson: "webhook-json",
  awsJsonTemplate: "aws-json-template",
  defaultText: "default-text",
  keyValue: "key-value",
  raw: "raw",
} as const;
export type MessageFormat = (typeof MessageFormat)[keyof typeof MessageFormat];

/** Where a group came from: enough to correlate logs and to deduplicate redeliveries. */
export interface MessageSource {
  /** SNS MessageId; the correlation id of every log line and the idempotency key. */
  messageId: string;
  topicArn: string | null;
  subject: string | null;
  /** RFC 3339 publish time from SNS, when known. */
  timestamp: string | null;
  format: MessageFormat;
  /**
   * Set on one cluster's share of a message whose alerts named several (shared/fleet/split-by-cluster.ts):
   * the SNS MessageId it came from; `messageId` is then `<that id>/<cluster>`.
   */
  splitFrom?: string;
}

/** Text we could not read as alerts, kept so a human still sees it. */
export interface RawFallback {
  /** Why parsing failed, in one line. */
  reason: string;
  /** The original text, cut on a character boundary to fit the transport. */
  text: string;
  /** True when `text` is shorter than what arrived. */
  cut: boolean;
}

export interface AlertGroup {
  status: GroupStatus;
  receiver: string | null;
  groupKey: string | null;
  groupLabels: LabelSet;
  commonLabels: LabelSet;
  commonAnnotations: LabelSet;
  externalURL: string | null;
  /** Common labels and annotations are already merged into each alert. */
  alerts: Alert[];
  /** `alertname` shared by the group (common or group label), else of the first alert. */
  alertname: string | null;
  /** Value of the configured cluster label (CLUSTER_LABEL, default `cluster`). */
  cluster: string | null;
  source: MessageSource;
  /** AMP cut the message (attribute truncated=true) or Alertmanager reported truncatedAlerts > 0. */
  truncated: boolean;
  /** Alerts known to be missing: Alertmanager's truncatedAlerts, or 0 when unknown. */
  truncatedAlerts: number;
  /** Non-fatal oddities met while parsing (a skipped alert, an unreadable time...). */
  warnings: string[];
  /** Present only on a raw fallback group. */
  raw: RawFallback | null;
}
