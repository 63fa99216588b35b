export * from "./alert.ts";
export * from "./cluster.ts";
export * from "./diagnosis.ts";
export * from "./enriched.ts";
