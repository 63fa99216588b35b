import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { labelFingerprint } from "../../shared/model/index.ts";
import { type ParseResult, parseAmpMessage } from "../../shared/parse/index.ts";
import { goJsEscape, linkLocalGroup, renderAwsJsonTemplate } from "../../sim/alertmanager-messages.ts";
import { ampMessage } from "../support/amp-message.ts";

const options = { clusterLabel: "cluster" };

function group(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a group, got ${result.error.code}: ${result.error.reason}`);
  return result.group;
}

function readDocumented(labels: Record<string, string>, annotations: Record<string, string> = {}) {
  const g = linkLocalGroup({ count: 1 });
  const alert = g.alerts[0]!;
  alert.labels = { ...alert.labels, ...labels };
  alert.annotations = { ...alert.annotations, ...annotations };
  return group(parseAmpMessage(ampMessage(renderAwsJsonTemplate(g)), options)).alerts[0]!;
}

describe("the AWS-documented template, read by its grammar", () => {
  it("keeps every backslash literal", () => {
    const alert = readDocumented({
      path: "C:\\ProgramData\\new_folder\\temp",
      share: "\\\\fileserver\\share\\",
    });
    expect(alert.labels.path).toBe("C:\\ProgramData\\new_folder\\temp");
    expect(alert.labels.share).toBe("\\\\fileserver\\share\\");
    // The fingerprint Alertmanager printed is of the exact label set, so it agrees with the one we compute.
    expect(alert.fingerprint).toBe(labelFingerprint(alert.labels));
  });

  it("reads a quote followed by a comma and a number inside a value", () => {
    const description = 'ENI "eth0" on node "ip-10-0-1-23", 1500 pps over';
    const alert = readDocumented({}, { description });
    expect(alert.annotations.description).toBe(description);
  });

  it('reads quotes, commas, braces and `", "` alone', () => {
    for (const value of ['", "', '"}', '"},"', "{}", '", 1', '": "', "a\"b'c,d]", "\t\n\r"]) {
      expect(readDocumented({ odd: value }).labels.odd).toBe(value);
    }
  });

  it('reads a label value holding the full separator `", "<later name>": "` by the fingerprint', () => {
    // Two readings fit the grammar; only one hashes to the fingerprint Alertmanager printed.
    const alert = readDocumented({ aaa: 'x", "zzz": "y' });
    expect(alert.labels.aaa).toBe('x", "zzz": "y');
    expect(Object.hasOwn(alert.labels, "zzz")).toBe(false);
    expect(alert.fingerprint).toBe(labelFingerprint(alert.labels));
  });

  it("splits an annotation value holding the full separator (the documented ambiguity)", () => {
    // Annotations carry no fingerprint: the template's own grammar decides, and it says "two pairs".
    const alert = readDocumented({}, { description: 'x", "drop": "y' });
    expect(alert.annotations.description).toBe("x");
    expect(alert.annotations.drop).toBe("y");
    expect(alert.annotations.summary).toBe(linkLocalGroup({ count: 1 }).alerts[0]!.annotations.summary);
  });

  it("keeps a separator naming an earlier label inside the value: pairs come in sorted order", () => {
    expect(readDocumented({ zzz: 'x", "aaa": "y' }).labels.zzz).toBe('x", "aaa": "y');
  });

  it("keeps labels named __proto__ and constructor as plain labels", () => {
    const alert = readDocumented({ __proto__x: "1", constructor: "c", toString: "t" });
    expect(Object.hasOwn(alert.labels, "constructor")).toBe(true);
    expect(alert.labels.constructor).toBe("c");
    expect(alert.labels.toString).toBe("t");
    const body = `{"receiver": "sns","status": "firing","alerts": [{"status": "firing","labels": {"__proto__": "p", "alertname": "A"},"startsAt": "2026-12-02 16:36:15.123456789 +0000 UTC m=+0.544269686","endsAt": "0001-01-01 00:00:00 +0000 UTC","generatorURL": "http://x/graph?g0.expr=up","fingerprint": "0123456789abcdef"}],"externalURL": "http://am"}`;
    const labels = group(parseAmpMessage(ampMessage(body), options)).alerts[0]!.labels;
    expect(Object.hasOwn(labels, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.entries(labels)).toEqual([
      ["__proto__", "p"],
      ["alertname", "A"],
    ]);
  });

  it("reads Go times with a monotonic suffix and numeric zone names", () => {
    const body = `{"receiver": "sns","status": "firing","alerts": [{"status": "firing","labels": {"alertname": "A"},"startsAt": "2026-12-02 22:06:15.1 +0530 +0530","endsAt": "0001-01-01 00:00:00 +0000 UTC","generatorURL": "","fingerprint": "0123456789abcdef"}, {"status": "firing","labels": {"alertname": "B"},"startsAt": "2026-12-02 16:36:15.123456789 +0000 UTC m=+0.544269686","endsAt": "0001-01-01 00:00:00 +0000 UTC","generatorURL": "","fingerprint": "0123456789abcdee"}],"externalURL": "http://am"}`;
    const alerts = group(parseAmpMessage(ampMessage(body), options)).alerts;
    expect(alerts.map((a) => [a.startsAt, a.endsAt])).toEqual([
      ["2026-12-02T16:36:15.100Z", null],
      ["2026-12-02T16:36:15.123Z", null],
    ]);
  });

  it("keeps every complete alert of a body cut anywhere", () => {
    const g = linkLocalGroup({ count: 5 });
    for (const a of g.alerts) a.annotations.description = 'ENI "eth0", 1500 pps, C:\\temp';
    const body = renderAwsJsonTemplate(g);
    const alertStarts = [...body.matchAll(/\{"status": "/g)].map((m) => m.index);
    for (let cut = alertStarts[0]! + 1; cut < body.length; cut += 37) {
      const result = parseAmpMessage(
        ampMessage(body.slice(0, cut), { attributes: { truncated: "true" } }),
        options,
      );
      const complete = alertStarts.filter(
        (start) => body.indexOf('"}', body.indexOf('"fingerprint"', start)) + 2 <= cut,
      );
      if (complete.length === 0) {
        expect(result.ok).toBe(false);
        continue;
      }
      const read = group(result);
      expect(read.alerts).toHaveLength(complete.length);
      expect(read.truncated).toBe(true);
      for (const a of read.alerts) expect(a.annotations.description).toBe('ENI "eth0", 1500 pps, C:\\temp');
    }
  });

  it("reads a documented template someone piped through js as js-escaped", () => {
    const g = linkLocalGroup({ count: 1 });
    g.alerts[0]!.annotations.description = `it's <b>&"quoted"</b> C:\\temp\n= done`;
    const result = group(parseAmpMessage(ampMessage(renderAwsJsonTemplate(g, { escape: "js" })), options));
    expect(result.alerts[0]?.annotations.description).toBe(`it's <b>&"quoted"</b> C:\\temp\n= done`);
  });
});

describe("characters beyond U+FFFF through Go's js function", () => {
  // Go's js writes a non-printable rune as `\u` + %04X: five or six hex digits beyond U+FFFF.
  const flag = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";

  it("matches what Go writes for a tag-sequence flag", () => {
    expect(goJsEscape(flag)).toBe("🏴\\uE0067\\uE0062\\uE0073\\uE0063\\uE0074\\uE007F");
  });

  it("reads them back whole through the strict and the lenient JSON paths", () => {
    for (const extra of ["", " it's"]) {
      const value = `${flag}7 \u{E0100}A${extra}`;
      const body = `{"receiver": "sns", "status": "firing", "alerts": [{"status": "firing", "labels": {"alertname": "A", "team": "${goJsEscape(value)}"}, "annotations": {}, "startsAt": "2026-12-02 16:36:15 +0000 UTC", "endsAt": "0001-01-01 00:00:00 +0000 UTC", "generatorURL": "", "fingerprint": ""}], "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": ""}`;
      expect(group(parseAmpMessage(ampMessage(body), options)).alerts[0]?.labels.team).toBe(value);
    }
  });

  it("keeps a four-digit escape followed by a hex digit when the wide reading would be printable", () => {
    // U+1F600 is printable, so Go never escapes it: `\u1F60` + "0" must be U+1F60 then "0".
    const body = `{"receiver": "sns", "status": "firing", "alerts": [{"status": "firing", "labels": {"alertname": "A", "v": "\\u1F600 \\u003C7"}, "annotations": {}, "startsAt": "", "endsAt": "", "generatorURL": "", "fingerprint": ""}]}`;
    expect(group(parseAmpMessage(ampMessage(body), options)).alerts[0]?.labels.v).toBe("\u1F600 <7");
  });
});

describe("text that leaves the parser", () => {
  it("replaces lone surrogates so every later stage gets well-formed UTF-16", () => {
    const body = JSON.stringify({
      version: "4",
      status: "firing",
      receiver: "sns\ud800",
      alerts: [
        {
          status: "firing",
          labels: { alertname: "A\udc00", cluster: "c\ud800x" },
          annotations: { d: "\ud83d" },
        },
      ],
    });
    const g = group(parseAmpMessage(ampMessage(body), options));
    const texts = [g.receiver, g.cluster, g.alertname, ...Object.values(g.alerts[0]!.annotations)];
    expect(texts).toEqual(["sns\uFFFD", "c\uFFFDx", "A\uFFFD", "\uFFFD"]);
    for (const t of texts) expect(() => encodeURIComponent(t ?? "")).not.toThrow();
  });
});

describe("copies of the documented template that end early, read as whole", () => {
  const g = linkLocalGroup({ count: 4 });
  for (const a of g.alerts) a.annotations.description = 'ENI "eth0", 1500 pps, C:\\temp';
  const documented = renderAwsJsonTemplate(g);
  const externalUrlPair = documented.slice(documented.lastIndexOf(',"externalURL": "'), -1);
  const withoutKey = (body: string, key: string) => body.replace(new RegExp(`,"${key}": \\{[^}]*\\}`), "");
  const variants = {
    "without externalURL": documented.replace(externalUrlPair, ""),
    "without externalURL, with a trailing newline": `${documented.replace(externalUrlPair, "")}\n`,
    "without commonAnnotations": withoutKey(documented, "commonAnnotations"),
    "without groupLabels and externalURL": withoutKey(documented.replace(externalUrlPair, ""), "groupLabels"),
    "with only the alerts": `${documented.slice(0, documented.indexOf(',"groupLabels"'))}}`,
  };

  it.each(Object.entries(variants))("%s: truncated false, every alert and group map kept", (_, body) => {
    expect(body).not.toBe(documented);
    const read = group(parseAmpMessage(ampMessage(body), options));
    expect([read.truncated, read.truncatedAlerts]).toEqual([false, 0]);
    expect(read.warnings).toEqual([]);
    expect(read.alerts.map((a) => a.labels)).toEqual(g.alerts.map((a) => a.labels));
    for (const a of read.alerts) expect(a.annotations.description).toBe('ENI "eth0", 1500 pps, C:\\temp');
    const whole = group(parseAmpMessage(ampMessage(documented), options));
    // Common maps a copy leaves out are the alerts' intersection, as Alertmanager computes them.
    expect([read.commonLabels, read.commonAnnotations]).toEqual([
      whole.commonLabels,
      whole.commonAnnotations,
    ]);
    expect(read.groupLabels).toEqual(body.includes('"groupLabels"') ? whole.groupLabels : {});
    expect(read.externalURL).toBe(body.includes('"externalURL"') ? g.externalURL : null);
  });

  it("a copy without externalURL cut inside an alert still reads truncated, with every complete alert", () => {
    const body = variants["without externalURL"];
    const secondAlert = body.indexOf('{"status": "', body.indexOf('"fingerprint"'));
    const read = group(parseAmpMessage(ampMessage(body.slice(0, secondAlert + 40)), options));
    expect(read.truncated).toBe(true);
    expect(read.alerts.map((a) => a.labels)).toEqual([g.alerts[0]?.labels]);
  });

  it("a copy without externalURL that stops before the group's closing brace reads truncated", () => {
    const body = variants["without externalURL"].trimEnd();
    for (const cut of [body.length - 1, body.length - 2, body.indexOf(',"commonAnnotations"') + 5]) {
      const read = group(parseAmpMessage(ampMessage(body.slice(0, cut)), options));
      expect(read.truncated).toBe(true);
      expect(read.alerts).toHaveLength(g.alerts.length);
    }
  });

  it("names what follows the alerts when it is neither a known key nor the end", () => {
    const body = `${documented.slice(0, documented.indexOf(',"groupLabels"'))},"extra": 1}`;
    const result = parseAmpMessage(ampMessage(body), options);
    if (result.ok) throw new Error("an unknown key after the alerts was read as a group");
    expect(result.error.reason).toContain(
      `AWS template: expected ",\\"externalURL\\": \\"" or the closing "}" at offset ${body.indexOf(',"extra"')}`,
    );
  });
});

describe("the number of alerts AMP's cut lost", () => {
  it("comes from the subject's firing count", () => {
    const g = linkLocalGroup({ count: 300 });
    const body = renderAwsJsonTemplate(g);
    const cutAt = body.indexOf('{"status": "', body.length / 2);
    const result = group(
      parseAmpMessage(
        ampMessage(body.slice(0, cutAt + 20), {
          subject: "[FIRING:300] LinkLocalAllowanceExceeded prod-eks-1",
          attributes: { truncated: "true" },
        }),
        options,
      ),
    );
    expect(result.truncated).toBe(true);
    expect(result.alerts.length).toBeGreaterThan(0);
    expect(result.alerts.length + result.truncatedAlerts).toBe(300);
  });

  it("is zero for an intact body whatever the subject says", () => {
    const body = renderAwsJsonTemplate(linkLocalGroup({ count: 3 }));
    const result = group(parseAmpMessage(ampMessage(body, { subject: "[FIRING:300] x" }), options));
    expect([result.truncated, result.truncatedAlerts]).toEqual([false, 0]);
  });
});

describe("property: the AWS template read back equals its input", () => {
  const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
  const value = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 30 }),
    fc
      .array(
        fc.constantFrom(
          "\\",
          '"',
          ",",
          " ",
          ":",
          "{",
          "}",
          "'",
          "n",
          "t",
          "u",
          "0",
          "\u{1F3F4}",
          "\u{E0067}",
          "\u200F",
          "\n",
        ),
        {
          maxLength: 24,
        },
      )
      .map((parts) => parts.join("")),
  );
  const labelSet = fc.dictionary(name, value, { maxKeys: 6 });
  /** The documented ambiguity, for annotations: the skeleton's separator or a map end and a fixed key. */
  const ambiguous = (v: string) => /", "[a-zA-Z_][a-zA-Z0-9_]*": "|"\},"startsAt": "/.test(v);

  it("for random labels and annotations (backslashes, quotes, commas, non-BMP)", () => {
    fc.assert(
      fc.property(labelSet, labelSet, (labels, annotations) => {
        fc.pre(!Object.values(annotations).some(ambiguous));
        const alert = readDocumented(labels, annotations);
        const g = linkLocalGroup({ count: 1 }).alerts[0]!;
        expect(alert.labels).toEqual({ ...g.labels, ...labels });
        expect(alert.annotations).toEqual({ ...g.annotations, ...annotations });
        expect(alert.fingerprint).toBe(labelFingerprint({ ...g.labels, ...labels }));
      }),
      { numRuns: 400 },
    );
  });
});

describe("subjects as real Alertmanagers send them", () => {
  it("reads the status and count from a default subject longer than SNS's 100 characters", () => {
    const g = linkLocalGroup({ count: 300 });
    const body = renderAwsJsonTemplate(g);
    const subject = `[FIRING:300] LinkLocalAllowanceExceeded (prod-eks-1 eth0 node-exporter critical ${"x".repeat(120)})`;
    expect(subject.length).toBeGreaterThan(100);
    const cut = body.slice(0, body.indexOf('{"status": "', body.length / 2) + 10);
    const result = group(
      parseAmpMessage(ampMessage(cut, { subject, attributes: { truncated: "true" } }), options),
    );
    expect(result.alerts.length + result.truncatedAlerts).toBe(300);
  });
});
