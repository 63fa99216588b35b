// `npm run screenshot`: the Slack message for the demo's storm, rendered to docs/slack-message.png by headless
// Chromium (Debian's `chromium` package) from the dry-run HTML preview; and the same incident in Slack app mode
// (docs/slack-app-mode.png): posted, its scale report and verification in the thread, resolved in place, through
// the app-mode notifier against the loopback Slack Web API stand-in. Needs no AWS, cluster or network.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enricherFor } from "../cli/connect.ts";
import { cliDelivery } from "../cli/deliver.ts";
import { replayFile } from "../cli/replay.ts";
import { renderSlackThreadHtmlPreview } from "../shared/deliver/preview.ts";
import type { SlackMessage } from "../shared/deliver/slack/blocks.ts";
import { createSlackAppNotifier } from "../shared/deliver/slack-app/app-notifier.ts";
import { memoryIncidentStore } from "../shared/deliver/slack-app/memory-incident-store.ts";
import { createSlackWebApi } from "../shared/deliver/slack-app/web-api.ts";
import type { EnrichedAlertGroup } from "../shared/model/index.ts";
import { parseRoutes, routeGroup } from "../shared/route/index.ts";
import { generateCluster } from "../sim/cluster-generator.ts";
import { startKubeApiServer } from "../sim/kube-api-server.ts";
import { SAMPLE_SCENARIO } from "../sim/scenarios.ts";
import { simulatorKubeconfig } from "../sim/sim-kubeconfig.ts";
import { scaleReportFixture, verificationFixture } from "../test/support/scale-fixtures.ts";
import { startSlackWebApi } from "../test/support/slack-web-api.ts";

const root = new URL("..", import.meta.url).pathname;
const output = join(root, "docs/slack-message.png");
const appModeOutput = join(root, "docs/slack-app-mode.png");
const browser = ["chromium", "chromium-browser", "google-chrome"].find((name) => {
  try {
    execFileSync("which", [name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});
if (!browser) {
  console.error(
    "npm run screenshot needs Chromium: sudo apt-get install --no-install-recommends chromium fonts-noto-color-emoji",
  );
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "linklocal-screenshot-"));
const sim = await startKubeApiServer({ cluster: generateCluster(SAMPLE_SCENARIO) });
try {
  const kubeconfig = join(work, "kubeconfig");
  writeFileSync(kubeconfig, simulatorKubeconfig(sim));
  const env = { KUBECONFIG: kubeconfig };
  const routes = parseRoutes("default => slack");
  const previewDir = join(work, "preview");
  let demoGroup: EnrichedAlertGroup | null = null;
  const webhookDelivery = cliDelivery({ env, previewDir });
  await replayFile({
    file: join(root, "samples/aws-json-template.json"),
    dryRun: true,
    env,
    // The simulated cluster's CoreDNS is self-managed, as in the demo.
    enrich: (await enricherFor({ kubeconfig, "self-managed-coredns": true }, env)).enrich,
    route: (group) => routeGroup(routes, group),
    deliver: (group, dryRun) => {
      demoGroup = group;
      return webhookDelivery(group, dryRun);
    },
  });
  const [html] = readdirSync(previewDir).filter((file) => file.endsWith(".html"));
  if (!html) throw new Error("the replay wrote no preview");
  shoot(join(previewDir, html), output, "860,1500");
  if (demoGroup === null) throw new Error("the replay delivered no group");
  const threadHtml = join(work, "thread.html");
  writeFileSync(threadHtml, await appModeThread(demoGroup));
  shoot(threadHtml, appModeOutput, "1500,900");
} finally {
  await sim.stop();
  rmSync(work, { recursive: true, force: true });
}

function shoot(file: string, png: string, size: string): void {
  execFileSync(
    browser as string,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      `--user-data-dir=${join(work, "chromium")}`,
      `--window-size=${size}`,
      `--screenshot=${png}`,
      `file://${file}`,
    ],
    { stdio: "ignore", timeout: 60_000 },
  );
  if (!existsSync(png)) throw new Error(`${browser} wrote no screenshot`);
  console.log(`wrote ${png}`);
}

/**
 * The demo's incident through Slack app mode: firing, the scaler's report and the verification in its thread,
 * then the resolve 38 minutes later, updating the first message in place. What the stand-in holds at the end
 * is what Slack would show.
 */
async function appModeThread(firing: EnrichedAlertGroup): Promise<string> {
  const token = "xoxb-screenshot-0000000000";
  const slack = await startSlackWebApi({ token, channels: { C0SENTINEL1: { member: true } } });
  try {
    const notifier = createSlackAppNotifier({
      api: createSlackWebApi({ token, apiUrl: slack.url }),
      store: memoryIncidentStore(),
      channel: "C0SENTINEL1",
    });
    const started = Date.parse(firing.alerts[0]?.startsAt ?? "2026-12-03T03:02:00.000Z");
    const at = (minutes: number) => new Date(started + minutes * 60_000).toISOString();
    const about = {
      cluster: firing.cluster,
      alertname: firing.alertname,
      messageId: firing.source.messageId,
    };
    const nodes = [...new Set(firing.alerts.map((a) => a.node?.name).filter((n): n is string => !!n))];
    await notifier.send({ ...firing, source: { ...firing.source, timestamp: at(1) } });
    await notifier.sendScaleReport(
      scaleReportFixture({
        ...about,
        from: 2,
        to: 4,
        reason: "diagnosis COREDNS_ON_THROTTLED_NODE; step x2; wrote spec.replicas 2 → 4; 4 replicas Ready",
        decidedAt: at(3),
        landedOn: [],
        landed: [],
      }),
    );
    await notifier.sendVerification(
      verificationFixture({
        ...about,
        checkedAt: at(12),
        summary: `drops stopped at ${at(5).slice(11, 16)} UTC on every node, after scaling CoreDNS from 2 to 4`,
        nodes: nodes.map((node) => ({
          node,
          state: "stopped",
          lastDropAt: Math.floor((started + 5 * 60_000) / 1000),
        })),
      }),
    );
    await notifier.send({
      ...firing,
      status: "resolved",
      alerts: firing.alerts.map((a) => ({ ...a, status: "resolved", endsAt: at(38) })),
      source: { ...firing.source, messageId: `${firing.source.messageId}-resolved`, timestamp: at(39) },
    });
    const [parent, ...replies] = slack.messages;
    if (!parent) throw new Error("the app-mode notifier posted nothing");
    const asMessage = (m: { text: string; blocks: SlackMessage["blocks"] }): SlackMessage => ({
      text: m.text,
      blocks: m.blocks,
    });
    return renderSlackThreadHtmlPreview(asMessage(parent), replies.map(asMessage));
  } finally {
    await slack.close();
  }
}
