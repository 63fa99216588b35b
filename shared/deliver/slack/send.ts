import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
} from "@slack/webhook";
import { ConfigError } from "../../errors.ts";
import type { EnrichedAlertGroup } from "../../model/index.ts";
import { DeliveryError } from "../errors.ts";
import { classifyHttpStatus, classifyNetworkError } from "../http-status.ts";
import type { MessageLinks } from "../links.ts";
import type { DeliveryReceipt, Notifier } from "../notifier.ts";
import { redactSecrets, redactUrl } from "../redact.ts";
import { type RetryOptions, withRetry } from "../retry.ts";
import { cutText, oneLine } from "../text.ts";
import type { SlackMessage } from "./blocks.ts";
import { plainTextVersion } from "./plain-text.ts";
import { renderSlackMessage } from "./render-group.ts";
import { renderScaleReport } from "./scale-report.ts";
import { renderVerification } from "./verification.ts";

export const DEFAULT_SLACK_TIMEOUT_MS = 5_000;

export interface SlackNotifierOptions {
  /** The incoming webhook URL: a secret, never logged. */
  webhookUrl: string;
  /** Per request, retries excluded. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** DASHBOARD_URL and RUNBOOK_URL (see links.ts). */
  links?: MessageLinks;
}

export interface SlackNotifier extends Notifier<SlackMessage> {
  /** Posts an already rendered message (a CoreDNS scale report), with the same retries. */
  sendMessage(message: SlackMessage): Promise<DeliveryReceipt>;
}

/**
 * Slack through @slack/webhook's IncomingWebhook. Its own retries stay off (ours are the only ones), and
 * because its IncomingWebhookHTTPError carries the status and body but not the headers, we hand it a fetch
 * that remembers the response's Retry-After so a 429 waits as long as Slack asked.
 */
export function createSlackNotifier(options: SlackNotifierOptions): SlackNotifier {
  const webhookUrl = validateWebhookUrl(options.webhookUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS;
  const shownUrl = redactUrl(webhookUrl);

  async function post(message: SlackMessage): Promise<DeliveryReceipt> {
    try {
      const { attempts } = await withRetry("slack", () => attemptOnce(message), options.retry);
      return { sink: "slack", requests: attempts };
    } catch (error) {
      const refusal = refusedPayload(error);
      if (refusal === null || message.blocks.length === 0) throw error;
      // A final 400 is about the message, not the channel: the alert goes out once more as plain text.
      const plain = plainTextVersion(message, refusal);
      const { attempts } = await withRetry("slack", () => attemptOnce(plain), options.retry);
      return { sink: "slack", requests: (error as DeliveryError).attempts + attempts };
    }
  }

  async function attemptOnce(message: SlackMessage): Promise<void> {
    let retryAfter: string | null = null;
    let status: number | null = null;
    const rememberingFetch: FetchFunction = async (url, init) => {
      // Redirects come back as 3xx answers (classified final) instead of fetch errors that look retryable.
      const response = await fetch(url, { ...init, redirect: "manual" });
      retryAfter = response.headers.get("retry-after");
      status = response.status;
      return response;
    };
    const webhook = new IncomingWebhook(webhookUrl, { timeout: timeoutMs, fetch: rememberingFetch });
    try {
      await webhook.send(message);
    } catch (error) {
      // Slack answered 2xx: the message is in the channel. A body that then stalls past the timeout must
      // not post it again.
      if (isSuccess(status)) return;
      throw toDeliveryError(error, retryAfter, { webhookUrl, shownUrl, timeoutMs });
    }
  }

  return {
    sink: "slack",
    render: (group: EnrichedAlertGroup) => [renderSlackMessage(group, options.links)],
    send: (group: EnrichedAlertGroup) => post(renderSlackMessage(group, options.links)),
    sendMessage: post,
    sendScaleReport: (report) => post(renderScaleReport(report)),
    sendVerification: (report) => post(renderVerification(report)),
  };
}

/** The webhook's failure as a DeliveryError, retryable or not, with the URL redacted from message and body. */
function toDeliveryError(
  error: unknown,
  retryAfter: string | null,
  webhook: { webhookUrl: string; shownUrl: string; timeoutMs: number },
): DeliveryError {
  const { webhookUrl, shownUrl, timeoutMs } = webhook;
  if (error instanceof IncomingWebhookHTTPError) {
    const verdict = classifyHttpStatus("slack", error.statusCode, retryAfter);
    const body = cutText(oneLine(redactSecrets(error.body ?? "", [webhookUrl])), 200);
    return new DeliveryError(
      `Slack webhook ${shownUrl} answered ${verdict.reason}${body === "" ? "" : `: ${body}`}`,
      {
        sink: "slack",
        retryable: verdict.outcome === "retryable",
        status: error.statusCode,
        retryAfterMs: verdict.retryAfterMs ?? null,
      },
    );
  }
  const original = error instanceof IncomingWebhookRequestError ? error.original : error;
  const verdict = classifyNetworkError(original, timeoutMs);
  // The original error is not kept as `cause`: fetch errors can quote the URL they failed on.
  return new DeliveryError(`Slack webhook ${shownUrl} failed: ${verdict.reason}`, {
    sink: "slack",
    retryable: verdict.outcome === "retryable",
  });
}

/** Slack's error code (`invalid_blocks`) when it refused the message itself with a 400, else null. */
function refusedPayload(error: unknown): string | null {
  if (!(error instanceof DeliveryError) || error.status !== 400) return null;
  return /\b(invalid_[a-z_]+|too_many_[a-z_]+)\b/.exec(error.message)?.[1] ?? "HTTP 400";
}

function isSuccess(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

function validateWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ConfigError("The Slack webhook URL is not a valid URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ConfigError(`The Slack webhook URL must be http(s), got ${parsed.protocol}`);
  }
  return parsed.href;
}
