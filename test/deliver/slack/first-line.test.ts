import { afterAll, describe, expect, it } from "vitest";
import { ACTION_NOW } from "../../../shared/deliver/slack/first-line.ts";
import { renderSlackMessage } from "../../../shared/deliver/slack/index.ts";
import { diagnose } from "../../../shared/diagnose/index.ts";
import { enrichGroup } from "../../../shared/enrich/index.ts";
import { type Diagnosis, DiagnosisCode } from "../../../shared/model/index.ts";
import { ScenarioPresets } from "../../../sim/scenarios.ts";
import { makeGroup } from "../../support/deliver-fixtures.ts";
import { expectValidSlackMessage, slackTexts } from "../../support/deliver-slack-checks.ts";
import {
  alertGroup,
  type EnrichSim,
  internalIp,
  silentLogger,
  simAddonLookup,
  startEnrichSim,
} from "../../support/enrich-fixtures.ts";

/** The message a human acts on: the cause and the action first, every command copyable from a code block. */
const running: EnrichSim[] = [];
afterAll(async () => {
  await Promise.all(running.map((env) => env.sim.stop()));
});

/** Real findings, from enrichment and diagnosis on the simulator's scenarios. */
async function realFindings(): Promise<Diagnosis[]> {
  const findings: Diagnosis[] = [];
  for (const [scenario, onCoreDns] of [
    [ScenarioPresets.colocatedOnSpot, true],
    [ScenarioPresets.underscaledLarge, false],
    [ScenarioPresets.proportionalAutoscaler, false],
    [ScenarioPresets.healthy, false],
    [ScenarioPresets.addonReplicaCount, true],
  ] as const) {
    const env = await startEnrichSim(scenario);
    running.push(env);
    const addon = simAddonLookup(env.cluster);

    const node = onCoreDns
      ? (env.cluster.facts.corednsNodes[0] as string)
      : (env.cluster.nodes.find((n) => !env.cluster.facts.corednsNodes.includes(n.metadata.name))?.metadata
          .name as string);
    const result = await enrichGroup(alertGroup([{ instance: `${internalIp(env.cluster, node)}:9417` }]), {
      kube: env.kube,
      addon,
      logger: silentLogger,
    });
    findings.push(
      ...diagnose(result.alerts, result.coredns, result.errors, { clusterName: env.cluster.name }),
    );
  }
  findings.push(
    ...diagnose(
      makeGroup().alerts.map((a) => ({ ...a, node: null, enrichmentError: "403 forbidden" })),
      null,
      ["403 forbidden"],
    ),
  );
  return findings;
}

describe("the Slack message's first line and commands", () => {
  it.each(Object.values(DiagnosisCode))(
    "names %s as the most likely cause and the one action to take now",
    (code) => {
      const finding: Diagnosis = {
        code,
        reason: `why ${code} applies`,
        fix: "kubectl -n kube-system get pods",
        nodes: [],
      };
      const message = renderSlackMessage(makeGroup({ diagnosis: [finding] }));
      expectValidSlackMessage(message);
      expect(message.blocks[0]?.type).toBe("header");
      const first = message.blocks[1];
      const text = first?.type === "section" ? (first.text?.text ?? "") : "";
      expect(text).toContain(`*Most likely:* \`${code}\` why ${code} applies`);
      expect(text).toContain(`*Do now:* ${ACTION_NOW[code]}`);
    },
  );

  it("puts every command of every real finding in a code block, whole", async () => {
    const findings = await realFindings();
    const codes = new Set(findings.map((f) => f.code));
    for (const code of [
      DiagnosisCode.corednsOnThrottledNode,
      DiagnosisCode.corednsUnderscaled,
      DiagnosisCode.corednsColocated,
      DiagnosisCode.corednsOnSpot,
      DiagnosisCode.nodelocalDnsAbsent,
      DiagnosisCode.enrichmentUnavailable,
    ])
      expect(codes).toContain(code);
    const message = renderSlackMessage(makeGroup({ diagnosis: findings.slice(0, 8) }));
    expectValidSlackMessage(message);
    const fenced = slackTexts(message)
      .flatMap((text) => [...text.matchAll(/```\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? ""))
      .join("\n");
    const outside = slackTexts(message).map((text) => text.replace(/```\n[\s\S]*?\n```/g, ""));
    for (const finding of findings) {
      // Each finding lists its commands, each an exact part of its fix, and every kubectl/aws in the fix is one.
      for (const command of finding.commands ?? []) expect(finding.fix, finding.code).toContain(command);
      const mentioned = finding.fix.match(/\b(?:kubectl|aws) /g) ?? [];
      expect(finding.commands ?? [], finding.code).toHaveLength(mentioned.length);
    }
    for (const finding of findings.slice(0, 8)) {
      for (const command of finding.commands ?? []) {
        expect(fenced, finding.code).toContain(command.slice(0, 90));
        const head = command.split(" ").slice(0, 4).join(" ");
        for (const text of outside) expect(text).not.toContain(head);
      }
    }
  });

  it("pastes every command as typed: no look-alike character inside a code block, only Slack's escapes", async () => {
    const findings = await realFindings();
    const tricky: Diagnosis = {
      code: DiagnosisCode.nodelocalDnsAbsent,
      reason: "no cache",
      fix: "Run: kubectl get cm -o jsonpath='{.data.*}' __PILLAR__ ~/x > out && echo done",
      commands: ["kubectl get cm -o jsonpath='{.data.*}' __PILLAR__ ~/x > out && echo done"],
      nodes: [],
    };
    for (const finding of [tricky, ...findings]) {
      const message = renderSlackMessage(makeGroup({ diagnosis: [finding] }));
      const fenced = slackTexts(message).flatMap((text) =>
        [...text.matchAll(/```\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? ""),
      );
      // What Slack shows (and copies): its three escapes turned back into the characters.
      const shown = fenced.map((text) =>
        text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"),
      );
      const lines = shown.flatMap((block) => block.split("\n"));
      for (const command of finding.commands ?? []) expect(lines, finding.code).toContain(command);
      for (const text of fenced) expect(text, finding.code).not.toMatch(/[ˋ∗∼＿…]/);
    }
  });

  it("carries the top finding's first command in the Do now line, the same the fix shows", async () => {
    const findings = (await realFindings()).filter((f) => (f.commands ?? []).length > 0);
    expect(findings.length).toBeGreaterThan(3);
    for (const finding of findings) {
      const message = renderSlackMessage(makeGroup({ diagnosis: [finding] }));
      const first = message.blocks[1];
      const text = first?.type === "section" ? (first.text?.text ?? "") : "";
      const [command] = finding.commands ?? [];
      const doNow = text.slice(text.indexOf("*Do now:*"));
      expect(doNow, finding.code).toContain(
        `\n\`\`\`\n${(command ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}\n\`\`\``,
      );
    }
  });

  it("leads a resolved group with the recovery, not a cause", () => {
    const message = renderSlackMessage(
      makeGroup({
        status: "resolved",
        alerts: makeGroup().alerts.map((a) => ({ ...a, status: "resolved", endsAt: "2026-11-23T09:00:00Z" })),
      }),
    );
    expect(slackTexts(message).join("\n")).not.toContain("Most likely");
  });
});

describe("links and times in the message", () => {
  const links = {
    dashboardUrl: "https://grafana.example.com/d/ll?var-cluster={cluster}",
    runbookUrl: "https://docs.example.com/runbook.md",
  };

  it("links the first line and every finding to its runbook section, and the dashboard to the cluster", () => {
    const finding: Diagnosis = {
      code: DiagnosisCode.corednsColocated,
      reason: "two on one node",
      fix: "kubectl -n kube-system get pods",
      nodes: [],
    };
    const message = renderSlackMessage(makeGroup({ cluster: "prod eu", diagnosis: [finding] }), links);
    expectValidSlackMessage(message);
    const text = slackTexts(message).join("\n");
    expect(text).toContain("(<https://docs.example.com/runbook.md#coredns_colocated|how>)");
    expect(text).toContain("<https://docs.example.com/runbook.md#coredns_colocated|Runbook section>");
    expect(text).toContain("<https://grafana.example.com/d/ll?var-cluster=prod%20eu|Dashboard>");
  });

  it("says how long a resolved group's drops lasted", () => {
    const base = makeGroup();
    const message = renderSlackMessage({
      ...base,
      status: "resolved",
      alerts: base.alerts.map((a) => ({
        ...a,
        status: "resolved",
        startsAt: "2026-11-23T08:00:00Z",
        endsAt: "2026-11-23T09:12:00Z",
      })),
    });
    expect(slackTexts(message).join("\n")).toContain("*Lasted*\n1 h 12 min");
  });

  it("gives PagerDuty the same links, the top finding's runbook section first", async () => {
    const { renderPagerDutyEvent } = await import("../../../shared/deliver/pagerduty/index.ts");
    const finding: Diagnosis = { code: DiagnosisCode.corednsOnSpot, reason: "spot", fix: "x", nodes: [] };
    const event = renderPagerDutyEvent(makeGroup({ cluster: "prod", diagnosis: [finding] }), links);
    expect(event.links?.slice(0, 2)).toEqual([
      { href: "https://docs.example.com/runbook.md#coredns_on_spot", text: "Runbook: COREDNS_ON_SPOT" },
      { href: "https://grafana.example.com/d/ll?var-cluster=prod", text: "Dashboard" },
    ]);
  });

  it("refuses a link variable that is not an http(s) URL, naming it", async () => {
    const { messageLinksFromEnv } = await import("../../../shared/deliver/links.ts");
    expect(() => messageLinksFromEnv({ DASHBOARD_URL: "javascript:alert(1)" })).toThrow(
      /DASHBOARD_URL must be http\(s\)/,
    );
    expect(() => messageLinksFromEnv({ RUNBOOK_URL: "not a url" })).toThrow(/RUNBOOK_URL is not a valid URL/);
  });
});
