import { describe, expect, it } from "vitest";
import { DetailBudget, PagerDutyLimits } from "../../../shared/deliver/pagerduty/limits.ts";
import { eventBytes } from "../../../shared/deliver/pagerduty/render.ts";
import {
  SLACK_THREAD_LINK_TEXT,
  withSlackThreadLink,
} from "../../../shared/deliver/pagerduty/slack-thread-link.ts";

const PERMALINK = "https://acme.slack.com/archives/C0SENTINEL1/p1700000000000100";
const trigger = (links: { href: string; text: string }[] = []) => ({
  event_action: "trigger" as const,
  dedup_key: "llsentinel-abc",
  payload: { summary: "drops", source: "x", severity: "critical" as const, custom_details: {} },
  links,
});

describe("withSlackThreadLink", () => {
  it("puts the Slack thread first, before the configured links", () => {
    const linked = withSlackThreadLink(
      trigger([{ href: "https://grafana.example.com/", text: "Dashboard" }]),
      PERMALINK,
    );
    expect(linked.links).toEqual([
      { href: PERMALINK, text: SLACK_THREAD_LINK_TEXT },
      { href: "https://grafana.example.com/", text: "Dashboard" },
    ]);
  });

  it("adds links to an event that had none (a change event)", () => {
    const change = { payload: { summary: "scaled", source: "x", timestamp: "t", custom_details: {} } };
    expect(withSlackThreadLink(change, PERMALINK).links).toEqual([
      { href: PERMALINK, text: SLACK_THREAD_LINK_TEXT },
    ]);
  });

  it("leaves the event as it is without a usable link", () => {
    const event = trigger();
    for (const permalink of [
      null,
      "",
      "not a url",
      "javascript:alert(1)",
      `https://x.slack.com/${"a".repeat(2_000)}`,
    ])
      expect(withSlackThreadLink(event, permalink)).toBe(event);
  });

  it("does not link the thread twice", () => {
    const event = trigger([{ href: PERMALINK, text: SLACK_THREAD_LINK_TEXT }]);
    expect(withSlackThreadLink(event, PERMALINK)).toBe(event);
  });

  it("keeps at most DetailBudget.links, the last one making room", () => {
    const full = Array.from({ length: DetailBudget.links }, (_, i) => ({
      href: `https://x.example/${i}`,
      text: `${i}`,
    }));
    const linked = withSlackThreadLink(trigger(full), PERMALINK);
    expect(linked.links).toHaveLength(DetailBudget.links);
    expect(linked.links?.[0]?.href).toBe(PERMALINK);
    expect(linked.links?.at(-1)?.href).toBe(`https://x.example/${DetailBudget.links - 2}`);
  });

  it("leaves an event at PagerDuty's size limit without the link rather than over it", () => {
    const event = trigger();
    const room = PagerDutyLimits.eventBytes - eventBytes(event);
    const atLimit = { ...event, payload: { ...event.payload, custom_details: { filler: "" } } };
    atLimit.payload.custom_details.filler = "x".repeat(room - eventBytes(atLimit) + eventBytes(event));
    expect(eventBytes(atLimit)).toBe(PagerDutyLimits.eventBytes);
    expect(withSlackThreadLink(atLimit, PERMALINK)).toBe(atLimit);
  });
});
