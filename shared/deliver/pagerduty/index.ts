export * from "./change-event.ts";
export * from "./dedup-key.ts";
export * from "./event.ts";
export * from "./incident-order.ts";
export * from "./limits.ts";
export * from "./render.ts";
export * from "./send.ts";
export * from "./severity.ts";
