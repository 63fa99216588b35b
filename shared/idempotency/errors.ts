import { SentinelError } from "../errors.ts";
import type { Sink } from "../model/index.ts";

/**
 * Another invocation is delivering the same message to the same sink right now. Thrown instead of posting, so
 * this invocation fails and Lambda retries it later, when the first one has either finished (the retry then
 * skips) or failed (the retry then delivers).
 */
export class DeliveryInProgressError extends SentinelError {
  readonly sink: Sink;
  readonly messageId: string;

  constructor(sink: Sink, messageId: string, options?: { cause?: unknown }) {
    super(
      `${sink} notification for message ${messageId} is being delivered by another invocation; retry later`,
      options,
    );
    this.name = "DeliveryInProgressError";
    this.sink = sink;
    this.messageId = messageId;
  }
}

/** The idempotency table could not be read or written; nothing is posted without knowing. */
export class IdempotencyStoreError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IdempotencyStoreError";
  }
}
