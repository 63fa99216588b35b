import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  eventBytes,
  mapSeverity,
  PagerDutyLimits,
  pagerDutyDedupKey,
  renderPagerDutyEvent,
} from "../../../shared/deliver/pagerduty/index.ts";
import { CUT_MARKER } from "../../../shared/deliver/text.ts";
import {
  HOSTILE_VALUES,
  hostileGroup,
  makeAlert,
  makeGroup,
  rawGroup,
  resolvedGroup,
} from "../../support/deliver-fixtures.ts";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const details = (event: ReturnType<typeof renderPagerDutyEvent>) => event.payload?.custom_details ?? {};

describe("renderPagerDutyEvent", () => {
  it("triggers one alert for the group with the nodes, diagnosis and CoreDNS placement", () => {
    const event = renderPagerDutyEvent(makeGroup({}, 3));
    expect(event).toMatchObject({
      event_action: "trigger",
      client: "linklocal-sentinel",
      client_url: "https://alertmanager.example.com/",
      payload: {
        source: "prod-eu",
        severity: "critical",
        group: "prod-eu",
        class: "LinkLocalAllowanceExceeded",
        timestamp: "2026-11-23T08:00:00Z",
      },
    });
    expect(event.payload?.summary).toBe(
      "[FIRING:3] LinkLocalAllowanceExceeded on prod-eu: link-local packet drops on 3 nodes (2 hosting CoreDNS) - Link-local packets dropped on the node's ENI",
    );
    const custom = details(event);
    expect(custom.node_count).toBe(3);
    expect((custom.nodes as Array<{ name: string }>).map((node) => node.name)).toHaveLength(3);
    expect((custom.diagnosis as Array<{ code: string }>).map((d) => d.code)).toEqual([
      "COREDNS_ON_THROTTLED_NODE",
      "NODELOCAL_DNS_ABSENT",
    ]);
    expect(custom.coredns).toMatchObject({ desiredReplicas: 2, readyReplicas: 2 });
    expect(event.links?.map((link) => link.text)).toEqual(["Prometheus query", "Runbook", "Alertmanager"]);
    expect(event).not.toHaveProperty("routing_key");
  });

  it("keeps the dedup_key as nodes join, so PagerDuty updates the same alert", () => {
    const before = renderPagerDutyEvent(makeGroup({}, 2));
    const after = renderPagerDutyEvent(makeGroup({}, 5));
    expect(after.dedup_key).toBe(before.dedup_key);
    expect(details(before).node_count).toBe(2);
    expect(details(after).node_count).toBe(5);
  });

  it("resolves the same dedup_key when the group resolves", () => {
    const trigger = renderPagerDutyEvent(makeGroup());
    expect(renderPagerDutyEvent(resolvedGroup())).toEqual({
      event_action: "resolve",
      dedup_key: trigger.dedup_key,
    });
  });

  it("raw fallback groups trigger with the raw text in the details", () => {
    const event = renderPagerDutyEvent(rawGroup({ text: "Alerts Firing:\n<garbled>" }));
    expect(event.event_action).toBe("trigger");
    expect(event.payload?.severity).toBe("error");
    expect(event.payload?.summary).toBe(
      "Unparsed alert message (delivered as received): no known message format matched",
    );
    expect(details(event)).toMatchObject({
      text: "Alerts Firing:\n<garbled>",
      cut_in_transit: false,
      text_cut_here: false,
    });
  });

  it("fits a raw fallback of multi-byte text in 512 KB, keeping as much as fits", () => {
    const event = renderPagerDutyEvent(rawGroup({ text: "你好世界".repeat(100_000), cut: true }));
    expect(eventBytes(event)).toBeLessThanOrEqual(PagerDutyLimits.eventBytes);
    const text = details(event).text as string;
    expect(text.endsWith("\n… [cut]")).toBe(true);
    expect(text.length).toBeGreaterThan(100_000);
    expect(details(event).text_cut_here).toBe(true);
  });

  it("cuts the summary to 1024 characters on a character boundary, with a marker", () => {
    const event = renderPagerDutyEvent(makeGroup({ alertname: "🚨".repeat(2_000) }));
    const summary = event.payload?.summary ?? "";
    expect(summary.length).toBeLessThanOrEqual(PagerDutyLimits.summaryChars);
    expect(summary.endsWith(CUT_MARKER)).toBe(true);
    expect(LONE_SURROGATE.test(summary)).toBe(false);
  });

  it("drops detail rather than exceeding 512 KB, and says why", () => {
    const event = renderPagerDutyEvent(hostileGroup("x".repeat(10_000), 1_000));
    expect(eventBytes(event)).toBeLessThanOrEqual(PagerDutyLimits.eventBytes);
    expect(String(details(event).note)).toMatch(
      /^details (shrunk|dropped): the full event was \d+ bytes, over PagerDuty's 512000-byte limit/,
    );
  });

  it("shrinks to 100 listed nodes when the node list alone is too large", () => {
    const alerts = Array.from({ length: 5_000 }, (_, index) =>
      makeAlert(index, { enrichmentError: `node lookup failed: ${"detail ".repeat(20)}` }),
    );
    const event = renderPagerDutyEvent(makeGroup({ alerts }));
    expect(eventBytes(event)).toBeLessThanOrEqual(PagerDutyLimits.eventBytes);
    expect(details(event).node_count).toBe(5_000);
    expect(details(event).nodes).toHaveLength(100);
    expect(String(details(event).note)).toContain("100 of 5000 nodes listed");
  });

  it("links only http(s) URLs", () => {
    const event = renderPagerDutyEvent(
      makeGroup({
        externalURL: "javascript:alert(1)",
        commonAnnotations: { runbook_url: "file:///etc/passwd" },
      }),
    );
    expect(event.links?.map((link) => link.text)).toEqual(["Prometheus query"]);
    expect(event).not.toHaveProperty("client_url");
  });

  it("property: hostile values always give a valid event within PagerDuty's limits", () => {
    const value = fc.oneof(
      fc.string({ unit: "binary", maxLength: 3_000 }),
      fc.constantFrom(...HOSTILE_VALUES),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 300 }), (text, count) => {
        const event = renderPagerDutyEvent(hostileGroup(text, count));
        const json = JSON.stringify(event);
        expect(LONE_SURROGATE.test(json)).toBe(false);
        expect(eventBytes(event)).toBeLessThanOrEqual(PagerDutyLimits.eventBytes);
        expect(event.dedup_key.length).toBeLessThanOrEqual(PagerDutyLimits.dedupKeyChars);
        expect(event.payload?.summary.length ?? 0).toBeLessThanOrEqual(PagerDutyLimits.summaryChars);
        expect(event.payload?.summary).not.toBe("");
        expect(["critical", "error", "warning", "info"]).toContain(event.payload?.severity);
        for (const link of event.links ?? []) expect(link.href).toMatch(/^https?:\/\//);
      }),
      { numRuns: 40 },
    );
  });
});

describe("pagerDutyDedupKey", () => {
  it("is a stable hash of cluster and alertname only", () => {
    const key = pagerDutyDedupKey(makeGroup());
    expect(key).toMatch(/^llsentinel-[0-9a-f]{64}$/);
    expect(pagerDutyDedupKey(makeGroup({ alerts: [] }))).toBe(key);
    expect(pagerDutyDedupKey(makeGroup({ cluster: "prod-us" }))).not.toBe(key);
    expect(pagerDutyDedupKey(makeGroup({ alertname: "Other" }))).not.toBe(key);
    // The separator keeps ("a\nb", "c") and ("a", "b\nc") apart only if it cannot occur unescaped in both.
    expect(pagerDutyDedupKey(makeGroup({ cluster: "ab", alertname: "c" }))).not.toBe(
      pagerDutyDedupKey(makeGroup({ cluster: "a", alertname: "bc" })),
    );
  });

  it("keys a raw fallback on its SNS message id", () => {
    const first = pagerDutyDedupKey(rawGroup());
    expect(first).toMatch(/^llsentinel-raw-[0-9a-f]{64}$/);
    expect(pagerDutyDedupKey(rawGroup({ text: "other" }))).toBe(first);
  });
});

describe("mapSeverity", () => {
  it.each([
    ["critical", "critical", false],
    ["CRITICAL", "critical", false],
    ["page", "critical", false],
    ["error", "error", false],
    ["high", "error", false],
    ["warning", "warning", false],
    ["warn", "warning", false],
    ["info", "info", false],
    ["none", "info", false],
    ["sev-banana", "error", true],
    ["__proto__", "error", true],
    ["constructor", "error", true],
    ["toString", "error", true],
    ["", "error", true],
    [null, "error", true],
  ] as const)("%j -> %s", (label, severity, noted) => {
    const mapped = mapSeverity(label);
    expect(mapped.severity).toBe(severity);
    expect(mapped.note !== null).toBe(noted);
  });

  it("notes an unknown severity in custom_details", () => {
    const event = renderPagerDutyEvent(makeGroup({ commonLabels: { severity: "sev-banana" } }));
    expect(event.payload?.severity).toBe("error");
    expect(String(details(event).severity_note)).toContain('severity "sev-banana" is not one of');
  });
});
