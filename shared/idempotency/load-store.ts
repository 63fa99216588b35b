import { noDeduplication } from "./delivery-guard.ts";
import type { IdempotencyConfig } from "./idempotency-config.ts";
import type { IdempotencyStore } from "./idempotency-store.ts";

/**
 * The store IDEMPOTENCY_TABLE asks for. The DynamoDB client and Powertools idempotency (about 130 KiB of
 * bundle) are imported only when a table is set; without one nothing is deduplicated and nothing loaded.
 * The dependency runs one way: this loader knows dynamo-store.ts, which never imports it back.
 */
export async function loadIdempotencyStore(config: IdempotencyConfig): Promise<IdempotencyStore> {
  if (config.tableName === null) return { guard: noDeduplication(), resolveTimes: null };
  const { dynamoIdempotencyStore } = await import("./dynamo-store.ts");
  return dynamoIdempotencyStore(config);
}
