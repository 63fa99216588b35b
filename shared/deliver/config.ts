import { type Env, readString } from "../config/env.ts";
import { DEFAULT_PAGERDUTY_EVENTS_URL } from "./pagerduty/limits.ts";

/**
 * The delivery settings that are not secrets. The secrets themselves (SLACK_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY
 * or their *_SECRET references) are resolved by shared/secrets and passed to the notifier factories.
 */
export function pagerDutyEventsUrlFromEnv(env: Env): string {
  return readString(env, "PAGERDUTY_EVENTS_URL") ?? DEFAULT_PAGERDUTY_EVENTS_URL;
}
