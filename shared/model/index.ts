export * from "./alert.ts";
export * from "./cluster.ts";
export * from "./diagnosis.ts";
export * from "./enriched.ts";
export * from "./enrichment-failure.ts";
export * from "./fingerprint.ts";
export * from "./scale.ts";
export * from "./verification.ts";
