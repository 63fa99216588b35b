import type { ResolveTimes } from "../deliver/pagerduty/incident-order.ts";
import type { DeliveryGuard } from "./delivery-guard.ts";
import type { IdempotencyConfig } from "./idempotency-config.ts";

/** What the notify functions keep in the idempotency table: delivery records, and PagerDuty resolve times. */
export interface IdempotencyStore {
  guard: DeliveryGuard;
  /** Null without a table: the order of triggers and resolves is then not checked. */
  resolveTimes: ResolveTimes | null;
}

/**
 * The store IDEMPOTENCY_TABLE asks for. The DynamoDB client and Powertools idempotency (about 130 KiB of
 * bundle) are imported only when a table is set; without one nothing is deduplicated and nothing loaded.
 */
export async function loadIdempotencyStore(config: IdempotencyConfig): Promise<IdempotencyStore> {
  if (config.tableName === null) return { guard: noDeduplication(), resolveTimes: null };
  const { dynamoIdempotencyStore } = await import("./dynamo-store.ts");
  return dynamoIdempotencyStore(config);
}

export function noDeduplication(): DeliveryGuard {
  return {
    mode: "off",
    useLambdaContext() {},
    async deliverOnce(_key, deliver) {
      return { delivered: true, result: await deliver() };
    },
  };
}
