export * from "./notifier-from-secret.ts";
export * from "./notify-record.ts";
export * from "./notify-sns-event.ts";
export * from "./read-group.ts";
