import type { DeliveryGuard } from "./delivery-guard.ts";
import type { ResolveTimes } from "./resolve-times.ts";

/** What the notify functions keep in the idempotency table: delivery records, and PagerDuty resolve times. */
export interface IdempotencyStore {
  guard: DeliveryGuard;
  /** Null without a table: the order of triggers and resolves is then not checked. */
  resolveTimes: ResolveTimes | null;
}
