import { type Env, readInt, readString } from "../config/env.ts";

export interface IdempotencyConfig {
  /** DynamoDB table (partition key `id`, TTL on `expiration`); null turns deduplication off (CLI replay). */
  tableName: string | null;
  /** How long a completed delivery is remembered, and so how late a redelivery is still recognised. */
  expiresAfterSeconds: number;
}

export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export function readIdempotencyConfig(env: Env): IdempotencyConfig {
  return {
    tableName: readString(env, "IDEMPOTENCY_TABLE") ?? null,
    expiresAfterSeconds: readInt(env, "IDEMPOTENCY_TTL_SECONDS", DEFAULT_IDEMPOTENCY_TTL_SECONDS, {
      min: 60,
      max: 30 * 24 * 60 * 60,
    }),
  };
}
