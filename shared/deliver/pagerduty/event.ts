import type { PagerDutySeverity } from "./severity.ts";

/**
 * An Events API v2 alert event (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/) as
 * rendered, without `routing_key`: the key is a secret and is added only when sending, so rendered events
 * can be printed (CLI --dry-run, logs) safely.
 */
export interface PagerDutyEventBody {
  event_action: "trigger" | "resolve";
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  links?: Array<{ href: string; text: string }>;
  images?: Array<{ src: string; href?: string; alt?: string }>;
  client?: string;
  client_url?: string;
}

export interface PagerDutyEvent extends PagerDutyEventBody {
  routing_key: string;
}

/** PagerDuty's answer body: 202 `{status:"success",message,dedup_key}`, 400 `{status,message,errors[]}`. */
export interface PagerDutyAnswer {
  status?: string;
  message?: string;
  dedup_key?: string;
  errors?: string[];
}
