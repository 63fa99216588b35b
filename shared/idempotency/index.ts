export * from "./content-key.ts";
export * from "./delivery-guard.ts";
export * from "./dynamo-delivery-guard.ts";
export * from "./errors.ts";
export * from "./idempotency-config.ts";
export * from "./idempotency-store.ts";
export * from "./load-store.ts";
export * from "./resolve-times.ts";
