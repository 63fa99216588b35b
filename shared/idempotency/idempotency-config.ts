import { type Env, readInt, readString } from "../config/env.ts";

export interface IdempotencyConfig {
  /** DynamoDB table (partition key `id`, TTL on `expiration`); null turns deduplication off (CLI replay). */
  tableName: string | null;
  /** How long a completed delivery is remembered, and so how late a redelivery is still recognised. */
  expiresAfterSeconds: number;
  /**
   * How long the same content (cluster, alertname, status, the alerts and their times) counts as a duplicate
   * under another message id: the copy a second Alertmanager peer sends. Shorter than any repeat_interval,
   * so a reminder still posts. Absent or 0: only the message id deduplicates.
   */
  contentWindowSeconds?: number;
}

export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
export const DEFAULT_CONTENT_WINDOW_SECONDS = 10 * 60;

export function readIdempotencyConfig(env: Env): IdempotencyConfig {
  return {
    tableName: readString(env, "IDEMPOTENCY_TABLE") ?? null,
    expiresAfterSeconds: readInt(env, "IDEMPOTENCY_TTL_SECONDS", DEFAULT_IDEMPOTENCY_TTL_SECONDS, {
      min: 60,
      max: 30 * 24 * 60 * 60,
    }),
    contentWindowSeconds: readInt(env, "DUPLICATE_WINDOW_SECONDS", DEFAULT_CONTENT_WINDOW_SECONDS, {
      min: 0,
      max: 24 * 60 * 60,
    }),
  };
}
