import type { ScaleReport, VerificationReport } from "../../model/index.ts";
import { verificationHeadline } from "../../model/verification-headline.ts";
import { cutText, oneLine } from "../text.ts";
import { PagerDutyLimits } from "./limits.ts";

/**
 * A CoreDNS scale report as a PagerDuty change event (https://developer.pagerduty.com/docs/events-api-v2/
 * send-change-events/): it shows on the service's recent changes and on the open incident's timeline as a
 * related change, and, unlike a trigger with the incident's dedup_key, never opens, reopens or re-alerts.
 * Rendered without `routing_key`, like alert events.
 */
export interface PagerDutyChangeEventBody {
  payload: {
    summary: string;
    source: string;
    timestamp: string;
    custom_details: Record<string, unknown>;
  };
  links?: Array<{ href: string; text: string }>;
}

export function renderScaleChangeEvent(report: ScaleReport): PagerDutyChangeEventBody {
  const cluster = report.cluster ?? "unknown cluster";
  const replicas = `${report.from ?? "?"} → ${report.to ?? "?"}`;
  const verb =
    report.action === "scaled"
      ? `CoreDNS scaled up ${replicas}`
      : report.action === "would-scale"
        ? `CoreDNS would scale up ${replicas} (dry run)`
        : `CoreDNS scale-up ${report.action}${report.guardrail ? ` (${report.guardrail})` : ""}`;
  return {
    payload: {
      summary: cutText(oneLine(`${verb} on ${cluster}: ${report.reason}`), PagerDutyLimits.summaryChars),
      source: `linklocal-sentinel/${cluster}`,
      timestamp: report.decidedAt,
      custom_details: {
        mode: report.mode,
        action: report.action,
        guardrail: report.guardrail,
        from: report.from,
        to: report.to,
        owner: report.ownerDetail,
        reason: report.reason,
        landed_on: report.landed.map((r) => ({
          node: r.node,
          ready: r.ready,
          throttled: r.throttled,
          spot: r.spot,
        })),
        prompted_by_message: report.messageId,
      },
    },
  };
}

/** A verification as a change event on the service: the incident's timeline shows whether the fix took. */
export function renderVerificationChangeEvent(report: VerificationReport): PagerDutyChangeEventBody {
  const cluster = report.cluster ?? "unknown cluster";
  return {
    payload: {
      summary: cutText(
        oneLine(`${verificationHeadline(report)} on ${cluster}: ${report.summary}`),
        PagerDutyLimits.summaryChars,
      ),
      source: `linklocal-sentinel/${cluster}`,
      timestamp: report.checkedAt,
      custom_details: {
        checked: report.checked,
        stopped: report.stopped,
        after: report.after,
        next: report.next,
        nodes: report.nodes,
        follows_up_message: report.messageId,
      },
    },
  };
}

/** The change-events endpoint beside the alert events one: `/v2/enqueue` → `/v2/change/enqueue`. */
export function changeEventsUrl(eventsUrl: string): string {
  const url = new URL(eventsUrl);
  url.pathname = /\/enqueue$/.test(url.pathname)
    ? url.pathname.replace(/\/enqueue$/, "/change/enqueue")
    : `${url.pathname.replace(/\/$/, "")}/v2/change/enqueue`;
  return url.href;
}
