import type { Sink } from "../model/index.ts";

/**
 * The one place that decides what an HTTP answer (or the lack of one) means for a delivery: done, worth
 * trying again, or final. Sinks call it; the retry loop acts on it.
 */
export const DeliveryOutcome = { ok: "ok", retryable: "retryable", final: "final" } as const;
export type DeliveryOutcome = (typeof DeliveryOutcome)[keyof typeof DeliveryOutcome];

export interface DeliveryVerdict {
  outcome: DeliveryOutcome;
  /** One line for logs and error messages: what the answer means. */
  reason: string;
  /** Present when the server asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

interface SinkStatusRule {
  outcome: DeliveryOutcome;
  reason: string;
}

/**
 * Per-sink answers that differ from the generic rules below.
 * PagerDuty: https://developer.pagerduty.com/docs/events-api-v2/overview/#response-codes--retry-logic
 * Slack: https://docs.slack.dev/apis/web-api/rate-limits (1 message per second per webhook, 429 + Retry-After).
 */
const SINK_STATUS_RULES: Partial<Record<Sink, Record<number, SinkStatusRule>>> = {
  pagerduty: {
    400: { outcome: "final", reason: "PagerDuty rejected the event as invalid" },
    429: { outcome: "retryable", reason: "PagerDuty rate limit (about 120 events/min per routing key)" },
  },
  slack: {
    400: { outcome: "final", reason: "Slack rejected the payload" },
    403: { outcome: "final", reason: "Slack refused the post (action_prohibited or posting disabled)" },
    404: { outcome: "final", reason: "Slack webhook or channel not found" },
    410: { outcome: "final", reason: "Slack channel is archived" },
    429: { outcome: "retryable", reason: "Slack rate limit (1 message per second per webhook)" },
  },
};

/**
 * Maps a response status to a verdict. `retryAfter` is the raw Retry-After header; it is honoured on any
 * retryable answer that carries it. `now` is only used for HTTP-date Retry-After values.
 */
export function classifyHttpStatus(
  sink: Sink,
  status: number,
  retryAfter: string | null = null,
  now: number = Date.now(),
): DeliveryVerdict {
  const verdict = baseVerdict(sink, status);
  if (verdict.outcome !== "retryable" || retryAfter === null) return verdict;
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  return retryAfterMs === null ? verdict : { ...verdict, retryAfterMs };
}

function baseVerdict(sink: Sink, status: number): DeliveryVerdict {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    return { outcome: "final", reason: `invalid HTTP status ${status}` };
  }
  const rule = SINK_STATUS_RULES[sink]?.[status];
  if (rule !== undefined) return { outcome: rule.outcome, reason: `HTTP ${status}: ${rule.reason}` };
  if (status >= 200 && status < 300) return { outcome: "ok", reason: `HTTP ${status}` };
  if (status < 200) return { outcome: "final", reason: `HTTP ${status}: unexpected informational answer` };
  // Redirects are never followed: a redirected POST could carry the routing key or message elsewhere.
  if (status < 400) return { outcome: "final", reason: `HTTP ${status}: redirect refused` };
  if (status === 408)
    return { outcome: "retryable", reason: "HTTP 408: the server timed out waiting for us" };
  if (status === 429) return { outcome: "retryable", reason: "HTTP 429: rate limited" };
  if (status < 500) return { outcome: "final", reason: `HTTP ${status}: request refused` };
  return { outcome: "retryable", reason: `HTTP ${status}: server error` };
}

/** A request that got no answer: connection refused or reset, DNS failure, TLS failure, or our timeout. */
export function classifyNetworkError(error: unknown, timeoutMs: number): DeliveryVerdict {
  if (isTimeout(error)) return { outcome: "retryable", reason: `no answer within ${timeoutMs} ms (timeout)` };
  const code = networkErrorCode(error);
  return { outcome: "retryable", reason: `network error${code === null ? "" : ` ${code}`}` };
}

export function isTimeout(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.name === "TimeoutError" || current.name === "AbortError") return true;
    if ((current as { code?: unknown }).code === "UND_ERR_HEADERS_TIMEOUT") return true;
    current = current.cause;
  }
  return false;
}

/** The first `code` (ECONNREFUSED, ENOTFOUND...) along the cause chain; codes carry no URL. */
function networkErrorCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return code;
    current = current.cause;
  }
  return null;
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms; null when unreadable. */
export function parseRetryAfter(value: string, now: number = Date.now()): number | null {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
