import { describe, expect, it } from "vitest";
import { renderScaleReport, type ScaleReport } from "../../../shared/deliver/slack/index.ts";
import { expectValidSlackMessage, slackTexts } from "../../support/deliver-slack-checks.ts";

const base: ScaleReport = {
  cluster: "prod-eu",
  mode: "on",
  decision: "taken",
  fromReplicas: 2,
  toReplicas: 4,
  controller: { kind: "eks-addon", detail: "EKS add-on coredns (replicaCount)" },
  reason: "CoreDNS runs on 2 throttled nodes; 118 schedulable nodes allow 4 spread replicas",
  messageId: "95df01b4",
};

describe("renderScaleReport", () => {
  it.each([
    [base, ":arrow_up: CoreDNS scaled up: 2 → 4 · prod-eu"],
    [
      { ...base, mode: "dry-run" as const },
      ":test_tube: CoreDNS scale-up (dry run, not applied): 2 → 4 · prod-eu",
    ],
    [
      {
        ...base,
        decision: "refused" as const,
        toReplicas: null,
        reason: "cooldown: last scale 3 minutes ago",
      },
      ":no_entry_sign: CoreDNS scale-up refused · prod-eu",
    ],
  ])("reports the decision with its reason (%#)", (report, title) => {
    const message = renderScaleReport(report);
    expectValidSlackMessage(message);
    const text = slackTexts(message).join("\n");
    expect(text).toContain(title);
    expect(text).toContain(`*Reason:* ${report.reason}`);
    expect(text).toContain(`*Mode*\n${report.mode}`);
    expect(text).toContain(`*Controlled by*\n${report.controller.detail}`);
  });

  it("escapes a hostile reason and stays within limits", () => {
    const message = renderScaleReport({
      ...base,
      cluster: "<!channel>".repeat(50),
      reason: "<@U1> & ".repeat(1_000),
    });
    expectValidSlackMessage(message);
  });
});
