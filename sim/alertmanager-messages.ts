/**
 * Renders alert groups the way AMP's Alertmanager does, for tests, the benchmark and the local demo:
 * the webhook v4 JSON, the AWS-documented JSON template (hand-built, values unescaped, Go time format),
 * Alertmanager's default text template, and wraps bodies in SNS Lambda events with AMP's truncation.
 */
import { labelFingerprint } from "../shared/model/fingerprint.ts";

export interface SimAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  endsAt: Date | null;
  generatorURL: string;
}

export interface SimGroup {
  receiver: string;
  status: "firing" | "resolved";
  groupLabels: Record<string, string>;
  externalURL: string;
  alerts: SimAlert[];
}

const GO_ZERO_TIME = "0001-01-01 00:00:00 +0000 UTC";
const RFC3339_ZERO_TIME = "0001-01-01T00:00:00Z";
/** AMP cuts SNS bodies above 256 KB. */
export const SNS_BODY_LIMIT_BYTES = 256 * 1024;

export function commonPairs(sets: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = sets;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((s) => s[k] === v)));
}

/** Alertmanager's webhook body, version 4. */
export function renderWebhookV4(group: SimGroup, options: { truncatedAlerts?: number } = {}): string {
  return JSON.stringify({
    receiver: group.receiver,
    status: group.status,
    alerts: group.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt.toISOString(),
      endsAt: a.endsAt ? a.endsAt.toISOString() : RFC3339_ZERO_TIME,
      generatorURL: a.generatorURL,
      fingerprint: labelFingerprint(a.labels),
    })),
    groupLabels: group.groupLabels,
    commonLabels: commonPairs(group.alerts.map((a) => a.labels)),
    commonAnnotations: commonPairs(group.alerts.map((a) => a.annotations)),
    externalURL: group.externalURL,
    version: "4",
    groupKey: `{}:{${Object.entries(group.groupLabels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(", ")}}`,
    truncatedAlerts: options.truncatedAlerts ?? 0,
  });
}

/** Go's `time.Time.String()` in UTC: fractional seconds only when non-zero, trailing zeros trimmed. */
export function goTimeString(date: Date | null): string {
  if (!date) return GO_ZERO_TIME;
  const iso = date.toISOString(); // 2024-05-01T12:34:56.789Z
  const [day, time] = iso.slice(0, -1).split("T") as [string, string];
  const [hms, ms] = time.split(".") as [string, string];
  const fraction = ms.replace(/0+$/, "");
  return `${day} ${hms}${fraction ? `.${fraction}` : ""} +0000 UTC`;
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `js` template function, which some templates wrap values in: note `\'`, invalid in JSON. */
export function goJsEscape(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === "<") out += "\\u003C";
    else if (ch === ">") out += "\\u003E";
    else if (ch === "&") out += "\\u0026";
    else if (ch === "=") out += "\\u003D";
    else if (code < 0x20) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    // Go writes a non-printable rune as \u%04X: five or six hex digits beyond U+FFFF (go-js-escape.ts).
    else if (code >= 0x80 && !GO_PRINTABLE.test(ch))
      out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/**
 * The AWS-documented `sns.default.message` JSON template as Alertmanager executes it: JSON built by string
 * concatenation, so values are printed raw (or through `js` when `escape: "js"`).
 */
export function renderAwsJsonTemplate(group: SimGroup, options: { escape?: "none" | "js" } = {}): string {
  const v = options.escape === "js" ? goJsEscape : (s: string) => s;
  const pairs = (set: Record<string, string>) =>
    `{${Object.keys(set)
      .sort()
      .map((k) => `"${k}": "${v(set[k] ?? "")}"`)
      .join(", ")}}`;
  const alerts = group.alerts
    .map((a) => {
      let s = `{"status": "${a.status}"`;
      if (Object.keys(a.labels).length > 0) s += `,"labels": ${pairs(a.labels)}`;
      if (Object.keys(a.annotations).length > 0) s += `,"annotations": ${pairs(a.annotations)}`;
      s += `,"startsAt": "${goTimeString(a.startsAt)}","endsAt": "${goTimeString(a.endsAt)}"`;
      s += `,"generatorURL": "${v(a.generatorURL)}","fingerprint": "${labelFingerprint(a.labels)}"}`;
      return s;
    })
    .join(", ");
  const commonLabels = commonPairs(group.alerts.map((a) => a.labels));
  const commonAnnotations = commonPairs(group.alerts.map((a) => a.annotations));
  let out = `{"receiver": "${v(group.receiver)}","status": "${group.status}","alerts": [${alerts}]`;
  if (Object.keys(group.groupLabels).length > 0) out += `,"groupLabels": ${pairs(group.groupLabels)}`;
  if (Object.keys(commonLabels).length > 0) out += `,"commonLabels": ${pairs(commonLabels)}`;
  if (Object.keys(commonAnnotations).length > 0) out += `,"commonAnnotations": ${pairs(commonAnnotations)}`;
  return `${out},"externalURL": "${v(group.externalURL)}"}`;
}

/** Alertmanager's default `sns.default.message` text template. */
export function renderDefaultText(group: SimGroup): string {
  const sorted = (set: Record<string, string>) => Object.keys(set).sort();
  const commonAnnotations = commonPairs(group.alerts.map((a) => a.annotations));
  const list = (alerts: SimAlert[]) =>
    alerts
      .map(
        (a) =>
          `Labels:\n${sorted(a.labels)
            .map((k) => ` - ${k} = ${a.labels[k]}\n`)
            .join("")}Annotations:\n${sorted(a.annotations)
            .map((k) => ` - ${k} = ${a.annotations[k]}\n`)
            .join("")}Source: ${a.generatorURL}\n`,
      )
      .join("");
  const firing = group.alerts.filter((a) => a.status === "firing");
  const resolved = group.alerts.filter((a) => a.status === "resolved");
  let out = `${sorted(commonAnnotations)
    .map((k) => commonAnnotations[k])
    .join(" ")}\n`;
  if (firing.length > 0) out += `Alerts Firing:\n${list(firing)}`;
  out += "\n";
  if (resolved.length > 0) out += `Alerts Resolved:\n${list(resolved)}`;
  return out;
}

/** Alertmanager's default subject, which AMP cuts at 100 characters. */
export function renderDefaultSubject(group: SimGroup): string {
  const firing = group.alerts.filter((a) => a.status === "firing").length;
  const head = group.status === "firing" ? `[FIRING:${firing}]` : "[RESOLVED]";
  const values = Object.keys(group.groupLabels)
    .sort()
    .map((k) => group.groupLabels[k])
    .join(" ");
  return `${head} ${values}`.slice(0, 100);
}

export interface SimSnsMessage {
  body: string;
  subject?: string | null;
  attributes?: Record<string, string>;
  messageId?: string;
}

/** Cuts a body the way AMP does above 256 KB and returns the attributes it sets. */
export function truncateLikeAmp(body: string, limitBytes = SNS_BODY_LIMIT_BYTES): SimSnsMessage {
  const bytes = Buffer.from(body, "utf8");
  if (bytes.length <= limitBytes) return { body };
  const cut = bytes
    .subarray(0, limitBytes)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  return {
    body: cut,
    attributes: {
      truncated: "true",
      modified: `Message: Error - Message has been truncated from ${Math.ceil(bytes.length / 1024)}KB, because it exceeds the 256 KB size limit.`,
    },
  };
}

/** A Lambda SNS event as delivered to a function subscribed to the AMP topic. */
export function snsLambdaEvent(
  messages: SimSnsMessage[],
  topicArn = "arn:aws:sns:us-east-1:111122223333:amp-alerts",
) {
  return {
    Records: messages.map((m, i) => ({
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: `${topicArn}:0b2a6a2e-1d6c-4f0e-9a6f-5f8a1c2d3e4f`,
      Sns: {
        Type: "Notification",
        MessageId: m.messageId ?? `95df01b4-ee98-5cb9-9903-4c221d41eb5${i}`,
        TopicArn: topicArn,
        Subject: m.subject ?? null,
        Message: m.body,
        Timestamp: "2026-11-23T03:04:05.678Z",
        SignatureVersion: "1",
        Signature: "EXAMPLE",
        SigningCertUrl:
          "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
        UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:0b2a`,
        MessageAttributes: Object.fromEntries(
          Object.entries(m.attributes ?? {}).map(([k, v]) => [k, { Type: "String", Value: v }]),
        ),
      },
    })),
  };
}

/** A LinkLocalAllowanceExceeded group of `count` nodes, as the rule in infra/ produces it. */
export function linkLocalGroup(options: {
  count: number;
  cluster?: string;
  resolvedCount?: number;
  instance?: (i: number) => string;
  extraLabels?: Record<string, string>;
  startsAt?: Date;
}): SimGroup {
  const cluster = options.cluster ?? "prod-eks-1";
  const startsAt = options.startsAt ?? new Date("2026-11-23T02:58:00.123Z");
  const resolvedCount = options.resolvedCount ?? 0;
  const alerts: SimAlert[] = Array.from({ length: options.count }, (_, i) => {
    const resolved = i < resolvedCount;
    return {
      status: resolved ? "resolved" : "firing",
      labels: {
        alertname: "LinkLocalAllowanceExceeded",
        cluster,
        device: "eth0",
        instance: options.instance
          ? options.instance(i)
          : `10.0.${Math.floor(i / 250)}.${(i % 250) + 4}:9100`,
        job: "node-exporter",
        severity: "critical",
        ...options.extraLabels,
      },
      annotations: {
        summary: "Packets to link-local services (DNS, IMDS, NTP) are being dropped",
        description: `ENI eth0 exceeded 1024 pps to link-local services: ${(12.5 + i).toFixed(1)} drops/s`,
        value: (12.5 + i).toFixed(1),
      },
      startsAt,
      endsAt: resolved ? new Date(startsAt.getTime() + 600_000) : null,
      generatorURL: `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0000/graph?g0.expr=rate%28node_ethtool_linklocal_allowance_exceeded%5B5m%5D%29`,
    };
  });
  return {
    receiver: "sns",
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    groupLabels: { alertname: "LinkLocalAllowanceExceeded", cluster },
    externalURL: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0000/alertmanager",
    alerts,
  };
}
