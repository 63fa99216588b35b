import { ConfigError } from "../../errors.ts";
import { logger } from "../../logger.ts";
import type { EnrichedAlertGroup, ScaleReport, VerificationReport } from "../../model/index.ts";
import { DeliveryError } from "../errors.ts";
import { postJson } from "../http-post.ts";
import { classifyHttpStatus, classifyNetworkError } from "../http-status.ts";
import type { MessageLinks } from "../links.ts";
import type { DeliveryReceipt, Notifier } from "../notifier.ts";
import { redactSecrets, redactUrl } from "../redact.ts";
import { type RetryOptions, withRetry } from "../retry.ts";
import { cutText, oneLine } from "../text.ts";
import {
  changeEventsUrl,
  type PagerDutyChangeEventBody,
  renderScaleChangeEvent,
  renderVerificationChangeEvent,
} from "./change-event.ts";
import type { PagerDutyAnswer, PagerDutyEvent, PagerDutyEventBody } from "./event.ts";
import { DEFAULT_PAGERDUTY_EVENTS_URL } from "./limits.ts";
import { renderPagerDutyEvent } from "./render.ts";
import { type SlackThreadLinks, withSlackThreadLink } from "./slack-thread-link.ts";

export const DEFAULT_PAGERDUTY_TIMEOUT_MS = 5_000;

export interface PagerDutyNotifierOptions {
  /** The Events API v2 integration key: a secret, never logged. */
  routingKey: string;
  /** PAGERDUTY_EVENTS_URL; defaults to https://events.pagerduty.com/v2/enqueue. */
  eventsUrl?: string;
  /** Per request, retries excluded. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** DASHBOARD_URL and RUNBOOK_URL (see links.ts). */
  links?: MessageLinks;
  /** Slack app mode's message permalinks (SLACK_INCIDENT_LINKS): triggers and change events link the thread. */
  slackThread?: SlackThreadLinks;
}

/**
 * PagerDuty Events API v2 over fetch: one event per group (see renderPagerDutyEvent), 202 is done, 400 is
 * final and PagerDuty's `message`/`errors` are logged, 429 and 5xx and network errors go back to the retry loop.
 */
export function createPagerDutyNotifier(options: PagerDutyNotifierOptions): Notifier<PagerDutyEventBody> {
  const routingKey = options.routingKey.trim();
  if (routingKey === "") throw new ConfigError("The PagerDuty routing key is empty");
  const eventsUrl = validateEventsUrl(options.eventsUrl ?? DEFAULT_PAGERDUTY_EVENTS_URL);
  const changeUrl = changeEventsUrl(eventsUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PAGERDUTY_TIMEOUT_MS;
  const secrets = [routingKey];

  const attemptOnce = (event: PagerDutyEvent, url = eventsUrl) =>
    postEventOnce(event, url, { timeoutMs, secrets });

  /** A change event (a scale report, a verification): shown on the service, never opening an incident. */
  async function sendChange(body: PagerDutyChangeEventBody, messageId: string): Promise<DeliveryReceipt> {
    const permalink = (await options.slackThread?.ofMessage(messageId)) ?? null;
    const event = { routing_key: routingKey, ...withSlackThreadLink(body, permalink) };
    const { attempts } = await withRetry(
      "pagerduty",
      () => attemptOnce(event as unknown as PagerDutyEvent, changeUrl),
      options.retry,
    );
    return { sink: "pagerduty", requests: attempts };
  }

  return {
    sink: "pagerduty",
    render: (group: EnrichedAlertGroup) => [renderPagerDutyEvent(group, options.links)],
    async send(group: EnrichedAlertGroup): Promise<DeliveryReceipt> {
      const body = renderPagerDutyEvent(group, options.links);
      // A resolve carries no links, and a raw fallback is posted to Slack outside any incident.
      const permalink =
        body.event_action === "trigger" && group.raw === null
          ? ((await options.slackThread?.ofGroup(group)) ?? null)
          : null;
      const event: PagerDutyEvent = { routing_key: routingKey, ...withSlackThreadLink(body, permalink) };
      const { attempts } = await withRetry("pagerduty", () => attemptOnce(event), options.retry);
      return { sink: "pagerduty", requests: attempts };
    },
    sendScaleReport: (report: ScaleReport) => sendChange(renderScaleChangeEvent(report), report.messageId),
    sendVerification: (report: VerificationReport) =>
      sendChange(renderVerificationChangeEvent(report), report.messageId),
  };
}

/**
 * One POST of one event: 202 is done; anything else becomes a DeliveryError the retry loop classifies (400
 * final, with PagerDuty's answer logged; 429, 5xx and network errors retryable).
 */
async function postEventOnce(
  event: PagerDutyEvent,
  url: string,
  options: { timeoutMs: number; secrets: readonly string[] },
): Promise<void> {
  let answer: Awaited<ReturnType<typeof postJson>>;
  try {
    answer = await postJson(url, JSON.stringify(event), { timeoutMs: options.timeoutMs });
  } catch (error) {
    const verdict = classifyNetworkError(error, options.timeoutMs);
    throw new DeliveryError(`PagerDuty Events API ${redactUrl(url)} failed: ${verdict.reason}`, {
      sink: "pagerduty",
      retryable: true,
    });
  }
  const verdict = classifyHttpStatus("pagerduty", answer.status, answer.headers["retry-after"] ?? null);
  if (verdict.outcome === "ok") return;
  const detail = describeAnswer(answer.body, options.secrets);
  if (answer.status === 400) {
    logger.error("PagerDuty rejected the event", {
      sink: "pagerduty",
      status: answer.status,
      dedupKey: event.dedup_key,
      eventAction: event.event_action,
      pagerDuty: detail,
    });
  }
  throw new DeliveryError(
    `PagerDuty Events API answered ${verdict.reason}${detail === "" ? "" : `: ${detail}`}`,
    {
      sink: "pagerduty",
      retryable: verdict.outcome === "retryable",
      status: answer.status,
      retryAfterMs: verdict.retryAfterMs ?? null,
    },
  );
}

/** PagerDuty's `message` and `errors`, or the start of a non-JSON body; secrets removed. */
export function describeAnswer(body: string, secrets: readonly string[]): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as PagerDutyAnswer;
    if (parsed !== null && typeof parsed === "object") {
      const errors = Array.isArray(parsed.errors)
        ? parsed.errors.filter((item) => typeof item === "string")
        : [];
      text = [parsed.message, errors.length > 0 ? `errors: ${errors.join("; ")}` : undefined]
        .filter((part) => typeof part === "string" && part !== "")
        .join(" - ");
    }
  } catch {
    // Not JSON (a proxy's HTML page): keep the start of it.
  }
  return cutText(oneLine(redactSecrets(text, secrets)), 500);
}

function validateEventsUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ConfigError("PAGERDUTY_EVENTS_URL is not a valid URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ConfigError(`PAGERDUTY_EVENTS_URL must be http(s), got ${parsed.protocol}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new ConfigError("PAGERDUTY_EVENTS_URL must not carry credentials");
  }
  return parsed.href;
}
