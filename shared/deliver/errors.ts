import { SentinelError } from "../errors.ts";
import type { Sink } from "../model/index.ts";

/**
 * A notification could not be delivered. `retryable` says whether trying again may help (429, 5xx, network,
 * timeout); the retry loop uses it, and once it gives up the error propagates so the Lambda invocation fails
 * and Lambda's own retries and on-failure destination take over. Messages never carry a webhook URL or key.
 */
export class DeliveryError extends SentinelError {
  readonly sink: Sink;
  readonly retryable: boolean;
  /** HTTP status of the last response, or null when no response arrived (network error, timeout). */
  readonly status: number | null;
  /** The server's Retry-After hint in milliseconds, when it sent one. */
  readonly retryAfterMs: number | null;
  /** HTTP requests made before this error, retries included (set by the retry loop). */
  readonly attempts: number;

  constructor(
    message: string,
    details: {
      sink: Sink;
      retryable: boolean;
      status?: number | null;
      retryAfterMs?: number | null;
      attempts?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.name = "DeliveryError";
    this.sink = details.sink;
    this.retryable = details.retryable;
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.attempts = details.attempts ?? 1;
  }
}
