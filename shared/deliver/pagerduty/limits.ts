/** PagerDuty Events API v2 limits: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ */
export const PagerDutyLimits = {
  /** `payload.summary`: "maximum permitted length of this property is 1024 characters". */
  summaryChars: 1024,
  /** `dedup_key`: "maximum permitted length of this property is 255 characters". */
  dedupKeyChars: 255,
  /** "Events API payloads are limited to 512 KB" (https://developer.pagerduty.com/docs/events-api-v2/overview/); counted as 512,000 UTF-8 bytes to stay clear of either reading. */
  eventBytes: 512_000,
} as const;

/** How much of a group the details carry before we shrink them to fit `eventBytes`. */
export const DetailBudget = {
  links: 10,
  /** Nodes listed when the full list makes the event too large. */
  nodesWhenShrunk: 100,
  /** Characters of any one string in custom_details when shrunk (label values can be huge). */
  stringCharsWhenShrunk: 1_000,
  /** Characters of a raw fallback's text. */
  rawTextChars: 200_000,
} as const;

export const DEFAULT_PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
