export * from "../deliver/notifier-from-secret.ts";
export * from "../internal-topic/read-message.ts";
export * from "./notify-record.ts";
export * from "./notify-sns-event.ts";
