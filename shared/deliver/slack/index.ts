export * from "./blocks.ts";
export * from "./limits.ts";
export * from "./render-group.ts";
export * from "./render-raw.ts";
export * from "./scale-report.ts";
export * from "./send.ts";
export * from "./verification.ts";
