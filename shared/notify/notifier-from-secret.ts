/**
 * Building a notifier from a secret is the sinks' business and moved to shared/deliver/; this re-export keeps
 * shared/deliver/slack-app/load.ts working until it imports ../notifier-from-secret.ts (then delete this file
 * and its exception in test/architecture/imports.test.ts).
 */
export { notifierFromSecret } from "../deliver/notifier-from-secret.ts";
