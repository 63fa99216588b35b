import { describe, expect, it } from "vitest";
import { labelFingerprint } from "../../shared/model/index.ts";
import { type ParseResult, parseAmpMessage } from "../../shared/parse/index.ts";
import {
  linkLocalGroup,
  renderAwsJsonTemplate,
  renderDefaultText,
  renderWebhookV4,
  truncateLikeAmp,
} from "../../sim/alertmanager-messages.ts";
import { ampMessage } from "../support/amp-message.ts";

const options = { clusterLabel: "cluster" };

function parsed(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a group, got ${result.error.code}: ${result.error.reason}`);
  return result.group;
}

describe("AWS-documented JSON template", () => {
  // Exactly what the template prints for one firing alert: Go times, zero endsAt, no version/groupKey.
  const body =
    '{"receiver": "sns","status": "firing","alerts": [{"status": "firing","labels": {"alertname": "LinkLocalAllowanceExceeded", "cluster": "prod-eks-1", "instance": "10.0.1.23:9100", "severity": "critical"},"annotations": {"summary": "Packets dropped (instance 10.0.1.23:9100)"},"startsAt": "2026-11-23 02:58:00.123456789 +0000 UTC","endsAt": "0001-01-01 00:00:00 +0000 UTC","generatorURL": "https://aps/graph?g0.expr=x","fingerprint": "0123456789abcdef"}],"groupLabels": {"alertname": "LinkLocalAllowanceExceeded"},"commonLabels": {"alertname": "LinkLocalAllowanceExceeded", "cluster": "prod-eks-1", "instance": "10.0.1.23:9100", "severity": "critical"},"commonAnnotations": {"summary": "Packets dropped (instance 10.0.1.23:9100)"},"externalURL": "https://aps/alertmanager"}';

  it("reads the group, normalises Go times to RFC 3339 UTC and maps the zero endsAt to null", () => {
    const group = parsed(parseAmpMessage(ampMessage(body), options));
    expect(group.source.format).toBe("aws-json-template");
    expect(group.status).toBe("firing");
    expect(group.alertname).toBe("LinkLocalAllowanceExceeded");
    expect(group.cluster).toBe("prod-eks-1");
    expect(group.truncated).toBe(false);
    expect(group.alerts).toHaveLength(1);
    const [alert] = group.alerts;
    expect(alert?.startsAt).toBe("2026-11-23T02:58:00.123Z");
    expect(alert?.endsAt).toBeNull();
    expect(alert?.fingerprint).toBe("0123456789abcdef");
    expect(alert?.labels.instance).toBe("10.0.1.23:9100");
    expect(alert?.generatorURL).toBe("https://aps/graph?g0.expr=x");
  });

  it("reads non-UTC Go offsets", () => {
    const shifted = body.replace("2026-11-23 02:58:00.123456789 +0000 UTC", "2026-11-23 04:58:00 +0200 EET");
    expect(parsed(parseAmpMessage(ampMessage(shifted), options)).alerts[0]?.startsAt).toBe(
      "2026-11-23T02:58:00.000Z",
    );
  });

  it("reads label values holding quotes, newlines, unicode and backslashes printed raw", () => {
    const group = linkLocalGroup({ count: 2 });
    const hostile = 'say "hi"\nline two, ok: {x} ünïcødé 🚀 C:\\path';
    for (const a of group.alerts) a.annotations.description = hostile;
    const result = parsed(parseAmpMessage(ampMessage(renderAwsJsonTemplate(group)), options));
    expect(result.alerts).toHaveLength(2);
    // Every backslash in that template is literal: the reader keeps `\p` as two characters.
    expect(result.alerts[0]?.annotations.description).toBe('say "hi"\nline two, ok: {x} ünïcødé 🚀 C:\\path');
  });

  it("reads values passed through Go's js function, including \\'", () => {
    const group = linkLocalGroup({ count: 1 });
    group.alerts[0]!.annotations.description = `it's <b>&"quoted"</b>\n= done`;
    const result = parsed(
      parseAmpMessage(ampMessage(renderAwsJsonTemplate(group, { escape: "js" })), options),
    );
    expect(result.alerts[0]?.annotations.description).toBe(`it's <b>&"quoted"</b>\n= done`);
  });
});

describe("webhook v4 JSON", () => {
  it("reads RFC 3339 times, groupKey and truncatedAlerts", () => {
    const group = linkLocalGroup({ count: 3 });
    const result = parsed(
      parseAmpMessage(ampMessage(renderWebhookV4(group, { truncatedAlerts: 2 })), options),
    );
    expect(result.source.format).toBe("webhook-json");
    expect(result.groupKey).toBe('{}:{alertname="LinkLocalAllowanceExceeded", cluster="prod-eks-1"}');
    expect(result.truncated).toBe(true);
    expect(result.truncatedAlerts).toBe(2);
    expect(result.alerts.map((a) => a.startsAt)).toEqual(Array(3).fill("2026-11-23T02:58:00.123Z"));
    expect(result.alerts.every((a) => a.endsAt === null)).toBe(true);
  });

  it("keeps firing and resolved alerts of one group apart, with resolved endsAt", () => {
    const group = linkLocalGroup({ count: 4, resolvedCount: 2 });
    const result = parsed(parseAmpMessage(ampMessage(renderWebhookV4(group)), options));
    expect(result.status).toBe("firing");
    expect(result.alerts.map((a) => a.status)).toEqual(["resolved", "resolved", "firing", "firing"]);
    expect(result.alerts[0]?.endsAt).toBe("2026-11-23T03:08:00.123Z");
    expect(result.alerts[3]?.endsAt).toBeNull();
  });

  it("reads a 300-alert group with per-alert fingerprints equal to Alertmanager's", () => {
    const group = linkLocalGroup({ count: 300 });
    const result = parsed(parseAmpMessage(ampMessage(renderWebhookV4(group)), options));
    expect(result.alerts).toHaveLength(300);
    expect(new Set(result.alerts.map((a) => a.fingerprint)).size).toBe(300);
    expect(result.alerts[299]?.labels.instance).toBe("10.0.1.53:9100");
  });

  it("merges common labels and annotations into each alert", () => {
    const body = JSON.stringify({
      version: "4",
      status: "firing",
      alerts: [{ status: "firing", labels: { instance: "a" }, annotations: {} }],
      commonLabels: { alertname: "LinkLocalAllowanceExceeded", cluster: "c1" },
      commonAnnotations: { runbook_url: "https://runbooks/dns" },
    });
    const alert = parsed(parseAmpMessage(ampMessage(body), options)).alerts[0];
    expect(alert?.labels).toEqual({ alertname: "LinkLocalAllowanceExceeded", cluster: "c1", instance: "a" });
    expect(alert?.annotations.runbook_url).toBe("https://runbooks/dns");
    expect(alert?.fingerprint).toBe(
      labelFingerprint({ alertname: "LinkLocalAllowanceExceeded", cluster: "c1", instance: "a" }),
    );
  });

  it("uses the configured cluster label", () => {
    const group = linkLocalGroup({ count: 1, extraLabels: { eks_cluster: "blue" } });
    const result = parsed(
      parseAmpMessage(ampMessage(renderWebhookV4(group)), { clusterLabel: "eks_cluster" }),
    );
    expect(result.cluster).toBe("blue");
  });
});

describe("Alertmanager default text template", () => {
  it("reads firing and resolved sections, labels, multi-line annotations and sources", () => {
    const group = linkLocalGroup({ count: 3, resolvedCount: 1 });
    group.alerts[2]!.annotations.description = "first line\nsecond line";
    const result = parsed(parseAmpMessage(ampMessage(renderDefaultText(group)), options));
    expect(result.source.format).toBe("default-text");
    expect(result.alerts).toHaveLength(3);
    expect(result.alerts.map((a) => a.status)).toEqual(["firing", "firing", "resolved"]);
    const multiline = result.alerts.find((a) => a.annotations.description?.includes("second"));
    expect(multiline?.annotations.description).toBe("first line\nsecond line");
    expect(result.alerts[0]?.labels).toEqual(group.alerts[1]?.labels);
    expect(result.alerts[0]?.generatorURL).toBe(group.alerts[1]?.generatorURL);
    // No fingerprint in text: the computed one equals Alertmanager's for the same labels.
    expect(result.alerts[0]?.fingerprint).toBe(labelFingerprint(group.alerts[1]!.labels));
    expect(result.alerts[0]?.startsAt).toBeNull();
    expect(result.cluster).toBe("prod-eks-1");
    expect(result.commonAnnotations.summary).toBe(group.alerts[0]?.annotations.summary);
  });

  it("drops a last alert cut by AMP and flags the group truncated", () => {
    const text = renderDefaultText(linkLocalGroup({ count: 2 }));
    const cut = text.slice(0, text.lastIndexOf("Source:"));
    const result = parsed(parseAmpMessage(ampMessage(cut, { attributes: { truncated: "true" } }), options));
    expect(result.alerts).toHaveLength(1);
    expect(result.truncated).toBe(true);
    expect(result.warnings.join(" ")).toMatch(/cut off/);
  });
});

describe("custom key: value messages", () => {
  it("reads the AWS blog's alert_type/event_type template as one alert", () => {
    const body = "alert_type: LinkLocalAllowanceExceeded\nevent_type: <no value>\ncluster: prod-eks-1\n";
    const result = parsed(
      parseAmpMessage(ampMessage(body, { subject: "[FIRING:2] LinkLocalAllowanceExceeded" }), options),
    );
    expect(result.source.format).toBe("key-value");
    expect(result.status).toBe("firing");
    expect(result.alertname).toBe("LinkLocalAllowanceExceeded");
    expect(result.cluster).toBe("prod-eks-1");
    expect(result.alerts[0]?.labels).toEqual({
      alert_type: "LinkLocalAllowanceExceeded",
      alertname: "LinkLocalAllowanceExceeded",
      cluster: "prod-eks-1",
    });
  });

  it("takes the status from the subject when the body has none", () => {
    const result = parsed(parseAmpMessage(ampMessage("alert_type: X", { subject: "[RESOLVED] X" }), options));
    expect(result.status).toBe("resolved");
  });
});

describe("truncated and unreadable bodies", () => {
  it("recovers every complete alert of a JSON body AMP cut at 256 KB", () => {
    const group = linkLocalGroup({ count: 1500 });
    const full = renderAwsJsonTemplate(group);
    const cut = truncateLikeAmp(full);
    expect(cut.attributes?.truncated).toBe("true");
    const result = parsed(
      parseAmpMessage(ampMessage(cut.body, { attributes: cut.attributes ?? {} }), options),
    );
    expect(result.truncated).toBe(true);
    expect(result.alerts.length).toBeGreaterThan(100);
    expect(result.alerts.length).toBeLessThan(1500);
    // Every recovered alert is whole: its labels match the original alert at that position.
    result.alerts.forEach((a, i) => {
      expect(a.labels).toEqual(group.alerts[i]?.labels);
      expect(a.generatorURL).toBe(group.alerts[i]?.generatorURL);
    });
    expect(result.alertname).toBe("LinkLocalAllowanceExceeded");
    expect(result.cluster).toBe("prod-eks-1");
  });

  it("recovers alerts from a webhook body cut inside an alert's labels", () => {
    const full = renderWebhookV4(linkLocalGroup({ count: 5 }));
    const cut = full.slice(0, full.indexOf('"instance"', full.indexOf('"instance"') + 1));
    const result = parsed(parseAmpMessage(ampMessage(cut, { attributes: { truncated: "true" } }), options));
    expect(result.alerts).toHaveLength(1);
    expect(result.truncated).toBe(true);
  });

  it.each([
    ["empty body", "", "replaced-body", /empty/],
    [
      "AMP's empty-body replacement",
      "Error - Message should not be empty",
      "replaced-body",
      /should not be empty/,
    ],
    ["AMP's non-UTF-8 replacement", "Error - not a valid UTF-8 encoded string", "replaced-body", /UTF-8/],
    ["non-JSON garbage", "\u0000\u0001garbage ~~~ !!!", "unrecognised-format", /neither JSON/],
    ["broken JSON", '{"alerts": [{"status": ]}', "invalid-json", /invalid JSON/],
    ["JSON of something else", '{"hello": "world"}', "not-an-alert-group", /no "alerts" array/],
    ["a group with no alerts", '{"status": "firing", "alerts": []}', "no-alerts", /no alerts/],
  ])("returns a structured error for %s", (_name, body, code, reason) => {
    const result = parseAmpMessage(ampMessage(body), options);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.reason).toMatch(reason);
    }
  });

  it("uses AMP's modified attribute to explain a replaced body", () => {
    const result = parseAmpMessage(
      ampMessage("Error - not a valid UTF-8 encoded string", {
        attributes: { truncated: "true", modified: "Message: Error - not a valid UTF-8 encoded string" },
      }),
      options,
    );
    expect(result.ok ? null : result.error.reason).toBe(
      "AMP replaced the body: Message: Error - not a valid UTF-8 encoded string",
    );
  });
});

describe("group status", () => {
  it("is firing while any alert fires, even when the message says resolved", () => {
    const body = JSON.stringify({
      version: "4",
      status: "resolved",
      alerts: [
        { status: "resolved", labels: { alertname: "X", instance: "a" }, endsAt: "2026-11-23T03:00:00Z" },
        { status: "firing", labels: { alertname: "X", instance: "b" } },
      ],
    });
    expect(parsed(parseAmpMessage(ampMessage(body), options)).status).toBe("firing");
  });
});
