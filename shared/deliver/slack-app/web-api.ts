import { DeliveryError } from "../errors.ts";
import { classifyHttpStatus, classifyNetworkError, parseRetryAfter } from "../http-status.ts";
import { redactSecrets } from "../redact.ts";
import { type RetryOptions, withRetry } from "../retry.ts";
import { cutText, oneLine } from "../text.ts";
import { SlackApiError } from "./api-errors.ts";

/**
 * The three Slack Web API methods app mode calls, over fetch: a small client rather than @slack/web-api,
 * whose own queue and retries would sit beside the product's one retry loop and whose load costs 14 ms of
 * cold start for nothing used here (docs/slack-app-mode.md, "Why not @slack/web-api").
 */
export type SlackMethod = "chat.postMessage" | "chat.update" | "chat.getPermalink";

/** What an `ok: true` answer carries that app mode reads. */
export interface SlackAnswer {
  ok: true;
  channel?: string;
  ts?: string;
  permalink?: string;
}

export interface SlackCallResult {
  /** Null when Slack accepted the call (HTTP 2xx) but its answer did not arrive within the timeout. */
  answer: SlackAnswer | null;
  /** HTTP requests made, retries included. */
  requests: number;
}

export interface SlackWebApi {
  /** One call through the shared retry loop; `maxAttempts` lowers its attempts for a call that may fail. */
  call(method: SlackMethod, body: Record<string, unknown>, maxAttempts?: number): Promise<SlackCallResult>;
}

export const DEFAULT_SLACK_API_TIMEOUT_MS = 5_000;

export interface SlackWebApiOptions {
  /** The bot token (xoxb-): a secret, sent only in the Authorization header, never logged. */
  token: string;
  apiUrl: string;
  timeoutMs?: number;
  retry?: RetryOptions;
}

export function createSlackWebApi(options: SlackWebApiOptions): SlackWebApi {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SLACK_API_TIMEOUT_MS;
  const attemptOnce = async (method: SlackMethod, body: Record<string, unknown>) => {
    const response = await postToSlack(method, body, options, timeoutMs);
    const text = await readBody(method, response, timeoutMs);
    // After a 2xx whose body stalled Slack has acted: asking again would post twice.
    return text === null ? null : answerOf(method, response, text, options.token);
  };
  return {
    async call(method, body, maxAttempts) {
      const retry =
        maxAttempts === undefined
          ? options.retry
          : { ...options.retry, policy: { ...options.retry?.policy, maxAttempts } };
      const { value, attempts } = await withRetry("slack", () => attemptOnce(method, body), retry);
      return { answer: value, requests: attempts };
    },
  };
}

/** One POST to a Web API method, its timeout covering the body too; a network failure is retryable. */
async function postToSlack(
  method: SlackMethod,
  body: Record<string, unknown>,
  options: SlackWebApiOptions,
  timeoutMs: number,
): Promise<Response> {
  // chat.getPermalink reads its arguments as a form (it is not a JSON method); the write methods take JSON.
  const form = method === "chat.getPermalink";
  try {
    return await fetch(`${options.apiUrl}${method}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${options.token}`,
        "content-type": form ? "application/x-www-form-urlencoded" : "application/json; charset=utf-8",
      },
      body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // The error is not kept as `cause`: fetch errors can quote what they were sending.
    const verdict = classifyNetworkError(error, timeoutMs);
    throw new DeliveryError(`Slack ${method} failed: ${verdict.reason}`, {
      sink: "slack",
      retryable: verdict.outcome === "retryable",
    });
  }
}

/** The answer's text; null when a 2xx answer's body stalled (Slack acted), a retryable error otherwise. */
async function readBody(method: SlackMethod, response: Response, timeoutMs: number): Promise<string | null> {
  try {
    return await response.text();
  } catch (error) {
    if (response.ok) return null;
    const verdict = classifyNetworkError(error, timeoutMs);
    throw new DeliveryError(`Slack ${method} answered HTTP ${response.status}, then ${verdict.reason}`, {
      sink: "slack",
      retryable: true,
      status: response.status,
    });
  }
}

/** Slack answers HTTP 200 with `ok: false` for its own errors: those first, then the HTTP status. */
function answerOf(method: SlackMethod, response: Response, text: string, token: string): SlackAnswer {
  const retryAfter = response.headers.get("retry-after");
  const parsed = parseAnswer(text);
  if (parsed?.ok === false && typeof parsed.error === "string") {
    throw new SlackApiError(method, parsed.error, {
      status: response.status,
      needed: typeof parsed.needed === "string" ? parsed.needed : undefined,
      retryAfterMs: retryAfter === null ? null : parseRetryAfter(retryAfter),
    });
  }
  const verdict = classifyHttpStatus("slack", response.status, retryAfter);
  if (verdict.outcome !== "ok") {
    const shown = cutText(oneLine(redactSecrets(text, [token])), 200);
    throw new DeliveryError(`Slack ${method} answered ${verdict.reason}${shown ? `: ${shown}` : ""}`, {
      sink: "slack",
      retryable: verdict.outcome === "retryable",
      status: response.status,
      retryAfterMs: verdict.retryAfterMs ?? null,
    });
  }
  if (parsed?.ok !== true)
    throw new DeliveryError(`Slack ${method} answered HTTP ${response.status} without "ok": true`, {
      sink: "slack",
      retryable: false,
      status: response.status,
    });
  return parsed as unknown as SlackAnswer;
}

function parseAnswer(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
