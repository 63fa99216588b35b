import { describe, expect, it } from "vitest";
import { renderScaleReport } from "../../../shared/deliver/slack/index.ts";
import { expectValidSlackMessage, slackTexts } from "../../support/deliver-slack-checks.ts";
import { scaleReportFixture } from "../../support/scale-fixtures.ts";

describe("renderScaleReport", () => {
  it.each([
    [scaleReportFixture(), ":arrow_up: CoreDNS scaled up: 2 → 3 · prod-eu"],
    [
      scaleReportFixture({ mode: "dry-run", action: "would-scale", landed: [], landedOn: [] }),
      ":test_tube: CoreDNS would scale up (dry run, nothing written): 2 → 3 · prod-eu",
    ],
    [
      scaleReportFixture({
        action: "refused",
        guardrail: "cooldown",
        to: null,
        reason: "CoreDNS was scaled from 2 to 3 at 2026-12-03T03:00:00Z; the cooldown has 60 s left",
        landed: [],
        landedOn: [],
      }),
      ":no_entry_sign: CoreDNS scale-up refused · prod-eu",
    ],
    [
      scaleReportFixture({ action: "skipped", guardrail: "already-handled", landed: [], landedOn: [] }),
      ":fast_forward: CoreDNS scale-up skipped · prod-eu",
    ],
  ])("reports the decision with its reason, mode, owner and guardrail (%#)", (report, title) => {
    const message = renderScaleReport(report);
    expectValidSlackMessage(message);
    const text = slackTexts(message).join("\n");
    expect(text).toContain(title);
    expect(text).toContain(`*Reason:* ${report.reason.replaceAll("&", "&amp;").replaceAll(">", "&gt;")}`);
    expect(text).toContain(`*Mode*\n${report.mode}`);
    expect(text).toContain(`*Owner*\n${report.ownerDetail}`);
    if (report.guardrail) expect(text).toContain(`\`${report.guardrail}\``);
    expect(text).toContain(report.messageId);
  });

  it("lists where the new replicas landed, flagging spot and throttled nodes", () => {
    const text = slackTexts(
      renderScaleReport(
        scaleReportFixture({
          landed: [
            { pod: "a", node: "ip-1", ready: true, throttled: true, spot: false },
            { pod: "b", node: "ip-2", ready: false, throttled: false, spot: true },
          ],
        }),
      ),
    ).join("\n");
    expect(text).toContain("*New replicas landed on*");
    expect(text).toMatch(/`ip-1` Ready, :warning: node is throttled/);
    expect(text).toMatch(/`ip-2` not Ready yet, :warning: spot/);
  });

  it("escapes a hostile reason and cluster and stays within limits", () => {
    const message = renderScaleReport(
      scaleReportFixture({ cluster: "<!channel>".repeat(50), reason: "<@U1> & ".repeat(1_000) }),
    );
    expectValidSlackMessage(message);
    expect(slackTexts(message).join("\n")).not.toContain("<!channel>");
    expect(slackTexts(message).join("\n")).not.toContain("<@U1>");
  });
});
