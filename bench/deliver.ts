import { performance } from "node:perf_hooks";
import { eventBytes, renderPagerDutyEvent } from "../shared/deliver/pagerduty/index.ts";
import {
  createSlackNotifier,
  findSlackLimitViolations,
  renderSlackMessage,
} from "../shared/deliver/slack/index.ts";
import type { EnrichedAlertGroup } from "../shared/model/index.ts";
import { hostileGroup, makeGroup } from "../test/support/deliver-fixtures.ts";
import { startScriptedServer } from "../test/support/deliver-servers.ts";

/**
 * Delivery rendering cost and payload sizes by group size, beside the baseline of serialising the group
 * itself (what ingest publishes); then loopback posts through the Slack notifier. Figures only.
 */
function medianMs(work: () => unknown, runs: number): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

function row(name: string, group: EnrichedAlertGroup, runs: number): string {
  const slack = renderSlackMessage(group);
  const pagerDuty = renderPagerDutyEvent(group);
  const groupBytes = Buffer.byteLength(JSON.stringify(group));
  const cells = [
    name.padEnd(34),
    `${(groupBytes / 1024).toFixed(1)} KiB`.padStart(11),
    `${medianMs(() => JSON.stringify(group), runs).toFixed(2)} ms`.padStart(10),
    `${medianMs(() => renderSlackMessage(group), runs).toFixed(2)} ms`.padStart(10),
    `${(Buffer.byteLength(JSON.stringify(slack)) / 1024).toFixed(1)} KiB/${slack.blocks.length}b`.padStart(
      14,
    ),
    `${findSlackLimitViolations(slack).length}`.padStart(5),
    `${medianMs(() => renderPagerDutyEvent(group), runs).toFixed(2)} ms`.padStart(10),
    `${(eventBytes(pagerDuty) / 1024).toFixed(1)} KiB`.padStart(10),
  ];
  return cells.join("  ");
}

export async function run(): Promise<void> {
  console.log("\n## delivery rendering (median of runs)");
  console.log(
    [
      "group".padEnd(34),
      "group JSON".padStart(11),
      "stringify".padStart(10),
      "slack".padStart(10),
      "slack size".padStart(14),
      "viol".padStart(5),
      "pagerduty".padStart(10),
      "pd size".padStart(10),
    ].join("  "),
  );
  console.log(row("3 alerts", makeGroup({}, 3), 200));
  console.log(row("1,000 alerts", makeGroup({}, 1_000), 20));
  console.log(row("5,000 alerts", makeGroup({}, 5_000), 5));
  console.log(row("1,000 alerts, 10k-char values", hostileGroup("&<>🚨x".repeat(2_000), 1_000), 3));

  const server = await startScriptedServer([{ status: 200, body: "ok" }]);
  try {
    const notifier = createSlackNotifier({ webhookUrl: `${server.url}/services/T/B/bench` });
    const groups = Array.from({ length: 50 }, () => makeGroup({}, 100));
    const started = performance.now();
    for (const group of groups) await notifier.send(group);
    const elapsed = performance.now() - started;
    console.log(
      `\nSlack notifier, loopback: ${groups.length} groups of 100 alerts -> ${server.requests.length} requests, ` +
        `${(elapsed / groups.length).toFixed(2)} ms per group (render + POST)`,
    );
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
