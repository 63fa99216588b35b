import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildFunction, bundle, coldStartBytes, functionNames, totalBytes } from "../scripts/build.ts";
import { createHttpKubeClient } from "../shared/cluster/http-kube-client.ts";
import { createClusterFactsCache, enrichGroup } from "../shared/enrich/index.ts";
import { clusterEnricher } from "../shared/ingest/cluster-enricher.ts";
import { GROUP_BUDGET_BYTES } from "../shared/ingest/fit-to-sns.ts";
import { ingestMessage } from "../shared/ingest/ingest-message.ts";
import type { EnrichedAlertGroup } from "../shared/model/index.ts";
import { encodeGroup } from "../shared/model/internal-message.ts";
import {
  linkLocalGroup,
  renderAwsJsonTemplate,
  renderWebhookV4,
  snsLambdaEvent,
  truncateLikeAmp,
} from "../sim/alertmanager-messages.ts";
import { generateCluster } from "../sim/cluster-generator.ts";
import { startKubeApiServer } from "../sim/kube-api-server.ts";
import { ScenarioPresets } from "../sim/scenarios.ts";

/**
 * One table for the storm and cold-start figures: each beside a baseline measured in the same run (process
 * times alternate A, B, A, B so drift hits both), printed, and written to bench/results.md with --write. Nothing asserts.
 */
const root = new URL("..", import.meta.url).pathname;
const RUNS = 11;

interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median wall time of two commands run in turn, and the median of the pairwise ratios A/B. */
function pairedTimes(a: string[], b: string[], env: NodeJS.ProcessEnv = process.env) {
  const run = (argv: string[]) => {
    const start = performance.now();
    const result = spawnSync(argv[0] as string, argv.slice(1), { env, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${argv.join(" ")} exited ${result.status}`);
    return performance.now() - start;
  };
  run(a);
  run(b);
  const ratios: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ta = run(a);
    const tb = run(b);
    as.push(ta);
    bs.push(tb);
    ratios.push(ta / tb);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios) };
}

/** Peak RSS (MiB) of a command, from the kernel's accounting in the process itself (bench/max-rss.mjs). */
function peakRssMiB(args: string[], env: NodeJS.ProcessEnv): number {
  const dir = mkdtempSync(join(tmpdir(), "rss-"));
  const file = join(dir, "rss");
  try {
    const result = spawnSync(process.execPath, ["--import", join(root, "bench/max-rss.mjs"), ...args], {
      env: { ...env, MAX_RSS_FILE: file },
      stdio: "ignore",
    });
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}`);
    return Number(readFileSync(file, "utf8").trim().split("\n").at(-1)) / 1024;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

export async function run(): Promise<void> {
  const rows: Row[] = [];
  const work = mkdtempSync(join(tmpdir(), "linklocal-footprint-"));
  try {
    await stormRows(rows, work);
    await bundleRows(rows, work);
    cliRows(rows, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const table = [
    "| figure | value | same-run baseline | ratio | target |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} |`),
  ].join("\n");
  console.log(`\nStorms and cold starts (${RUNS} paired runs, medians)\n${table}`);
  if (!process.argv.includes("--write")) {
    console.log("(bench/results.md not written: add --write to record these figures)");
    return;
  }
  writeFileSync(
    join(root, "bench/results.md"),
    `# Benchmark results\n\nWritten by \`npm run bench -- footprint\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch}. Every figure is beside a baseline measured in the same run; process times are medians of ${RUNS} runs taken in turn with their baseline, the ratio the median of the pairwise ratios.\n\n${table}\n`,
  );
}

async function stormRows(rows: Row[], work: string): Promise<void> {
  await clusterStormRows(rows);
  replayStormRows(rows, work);
}

type SimServer = Awaited<ReturnType<typeof startKubeApiServer>>;
type Kube = ReturnType<typeof createHttpKubeClient>;
type Cluster = ReturnType<typeof generateCluster>;

/** On the 5,000-node cluster: a body AMP cut at 256 KB through ingest, one alert cold and warm, the talkers. */
async function clusterStormRows(rows: Row[]): Promise<void> {
  const cluster = generateCluster({ ...ScenarioPresets.huge, clusterName: "prod-eks-1" });
  const sim = await startKubeApiServer({ cluster });
  try {
    const kube = createHttpKubeClient({ server: sim.url, auth: { type: "none" }, timeoutMs: 60_000 });
    const group = await ingestBodyCutByAmp(cluster, kube);
    rows.push(await oneAlertRequestsRow(cluster, sim, kube));
    rows.push(await talkerRequestsRow(cluster, sim, kube));
    rows.push(...cutBodyRows(group));
  } finally {
    await sim.stop();
  }
}

/** 1,500 alerts rendered in the AWS template, cut the way AMP cuts them, through ingest with enrichment. */
async function ingestBodyCutByAmp(cluster: Cluster, kube: Kube): Promise<EnrichedAlertGroup> {
  const ip = (i: number) =>
    cluster.nodes[i]?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "0.0.0.0";
  const body = truncateLikeAmp(
    renderAwsJsonTemplate(linkLocalGroup({ count: 1_500, instance: (i) => `${ip(i)}:9417` })),
  );
  const record = snsLambdaEvent([body]).Records[0]?.Sns;
  const attributes = Object.fromEntries(
    Object.entries(record?.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]),
  );
  const enrich = clusterEnricher(() => ({ name: "prod-eks-1", kube }), {
    cache: createClusterFactsCache({ ttlMs: 60_000 }),
    deadlineMs: 120_000,
  });
  const [outcome] = await ingestMessage(
    {
      messageId: "bench",
      body: record?.Message ?? "",
      subject: null,
      attributes,
      topicArn: null,
      timestamp: null,
    },
    { clusterLabel: "cluster", enrich, route: () => ["slack", "pagerduty"] },
  );
  if (!outcome) throw new Error("the storm message gave no group");
  return outcome.group;
}

/** One alert, cold then warm (cluster facts cached), on the same 5,000 nodes. */
async function oneAlertRequestsRow(cluster: Cluster, sim: SimServer, kube: Kube): Promise<Row> {
  const cache = createClusterFactsCache({ ttlMs: 60_000 });
  const one = (await import("../test/support/enrich-fixtures.ts")).alertGroup([
    { node: cluster.nodes[100]?.metadata.name ?? "" },
  ]);
  sim.resetRequests();
  await enrichGroup(one, { kube, cache });
  const cold = sim.requests.length;
  sim.resetRequests();
  await enrichGroup(one, { kube, cache });
  const warm = sim.requests.length;
  return {
    figure: "1 alert, cold, 5,000 nodes: Kubernetes requests",
    value: `${cold}`,
    baseline: `warm ${warm}`,
    ratio: (cold / warm).toFixed(2),
    target: "<= 4 (warm 2)",
  };
}

/** The talkers of one throttled node without CoreDNS: the extra request beside the group's own reads. */
async function talkerRequestsRow(cluster: Cluster, sim: SimServer, kube: Kube): Promise<Row> {
  const plain =
    cluster.nodes.find((n) => !cluster.facts.corednsNodes.includes(n.metadata.name))?.metadata.name ?? "";
  sim.resetRequests();
  await clusterEnricher(() => ({ name: "prod-eks-1", kube }))(
    (await import("../test/support/enrich-fixtures.ts")).alertGroup([{ node: plain }]),
  );
  const talkerReads = sim.requests.filter((r) => r.query.fieldSelector?.startsWith("spec.nodeName="));
  return {
    figure: "talkers of 1 throttled node, 5,000 nodes: extra requests (bytes)",
    value: `${talkerReads.length} (${kb(talkerReads.reduce((sum, r) => sum + r.bytesSent, 0))})`,
    baseline: `${sim.requests.length - talkerReads.length} for the rest of the cold read`,
    ratio: (talkerReads.length / (sim.requests.length - talkerReads.length)).toFixed(2),
    target: "bounded: <= 3 a group",
  };
}

/** What ingest published for the cut body: every alert read, with node facts, in one SNS message. */
function cutBodyRows(group: EnrichedAlertGroup): Row[] {
  const received = group.alerts.length;
  const withFacts = group.alerts.filter((a) => a.node?.instanceType).length;
  const encoded = encodeGroup(group, GROUP_BUDGET_BYTES);
  return [
    {
      figure: "256 KB AMP body cut by AMP, 5,000-node cluster: alerts published with node facts",
      value: `${withFacts}`,
      baseline: `${received} alerts read from the body`,
      ratio: (withFacts / received).toFixed(2),
      target: "1.00",
    },
    {
      figure: "  its internal-topic message",
      value: `${kb(Buffer.byteLength(encoded.body))} (${encoded.encoding})`,
      baseline: "SNS limit 262 KB",
      ratio: (Buffer.byteLength(encoded.body) / (256 * 1024)).toFixed(2),
      target: "<= 1.00",
    },
  ];
}

/** The 1,000-alert group through the built CLI (replay, dry run), and the 5,000-alert replay's memory. */
function replayStormRows(rows: Row[], work: string): void {
  for (const count of [1_000, 5_000]) {
    writeFileSync(join(work, `webhook-${count}.json`), renderWebhookV4(linkLocalGroup({ count })));
  }
  const cli = join(root, "bin/linklocal-sentinel.js");
  const env = { PATH: process.env.PATH ?? "", HOME: work };
  const replay = spawnSync(
    process.execPath,
    [cli, "replay", join(work, "webhook-1000.json"), "--dry-run", "--json", "--preview-dir", join(work, "p")],
    { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  const kept =
    (JSON.parse(replay.stdout) as { groups: { alerts: unknown[] }[] }).groups[0]?.alerts.length ?? 0;
  rows.push({
    figure: "1,000-alert webhook group through `replay`: alerts kept",
    value: `${kept}`,
    baseline: "1,000 sent",
    ratio: (kept / 1000).toFixed(2),
    target: "1.00",
  });
  const bare = peakRssMiB(["-e", "0"], env);
  const big = peakRssMiB(
    [cli, "replay", join(work, "webhook-5000.json"), "--dry-run", "--json", "--preview-dir", join(work, "p")],
    env,
  );
  rows.push({
    figure: "5,000-alert replay: peak RSS above bare node",
    value: `+${(big - bare).toFixed(0)} MiB`,
    baseline: `bare node ${bare.toFixed(0)} MiB`,
    ratio: (big / bare).toFixed(2),
    target: "< +128 MiB",
  });
}

async function bundleRows(rows: Row[], work: string): Promise<void> {
  const env = {
    PATH: process.env.PATH ?? "",
    AWS_REGION: "eu-west-1",
    INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
    SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/bench",
    PAGERDUTY_ROUTING_KEY: "R0UTINGKEY0123456789abcdef012345",
    POWERTOOLS_LOG_LEVEL: "SILENT",
  };
  const files = await coldStartRows(rows, work);
  // With EKS_CLUSTER_NAME, as deployed to enrich: the EKS client (and token signing) is made during init too.
  const withCluster = { ...env, EKS_CLUSTER_NAME: "prod-eks-1" };
  const ingestFile = files.ingest as string;
  await ingestLoadRow(rows, work, ingestFile, withCluster);
  sourceMapRows(rows, ingestFile, withCluster);
  await notifierLoadRows(rows, work, files, env);
  slackModeRows(rows, files["notify-slack"] as string, env);
}

const load = (file: string) => [process.execPath, file];

/** Builds every function as `sam build` does and counts what each loads at cold start; returns the entries. */
async function coldStartRows(rows: Row[], work: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of functionNames) {
    const outdir = join(work, name);
    const { metafile } = await buildFunction(name, { outdir });
    files[name] = join(outdir, "index.mjs");
    rows.push({
      figure: `${name}: code loaded at cold start`,
      value: kb(coldStartBytes(metafile)),
      baseline: `${kb(totalBytes(metafile))} in all chunks`,
      ratio: (coldStartBytes(metafile) / totalBytes(metafile)).toFixed(2),
      target: "<= 600 KB",
    });
  }
  return files;
}

/**
 * Ingest's module load beside its baseline: a bundle of only the SDK clients it uses, made as ingest makes
 * them, built with the same settings.
 */
async function ingestLoadRow(rows: Row[], work: string, ingestFile: string, env: NodeJS.ProcessEnv) {
  const clientsEntry = join(work, "clients.ts");
  writeFileSync(
    clientsEntry,
    [
      'import { EKSClient } from "@aws-sdk/client-eks";',
      'import { SNSClient } from "@aws-sdk/client-sns";',
      "export const clients = [new SNSClient({}), new EKSClient({})];",
    ].join("\n"),
  );
  await bundle({ entryPoints: [clientsEntry], outdir: join(work, "clients") });
  const clients = join(work, "clients/index.mjs");
  const ingest = pairedTimes(load(ingestFile), load(clients), env);
  rows.push({
    figure: "ingest (with EKS_CLUSTER_NAME): module load",
    value: ms(ingest.a),
    baseline: `SNS + EKS clients alone ${ms(ingest.b)}`,
    ratio: ingest.ratio.toFixed(2),
    target: "<= 1.15",
  });
}

/** Source maps ship with every bundle; Node reads them only with --enable-source-maps (SourceMaps=on). */
function sourceMapRows(rows: Row[], ingestFile: string, env: NodeJS.ProcessEnv): void {
  const maps = pairedTimes([process.execPath, "--enable-source-maps", ingestFile], load(ingestFile), env);
  rows.push({
    figure: "ingest with --enable-source-maps (SourceMaps=on): module load",
    value: ms(maps.a),
    baseline: `without ${ms(maps.b)}`,
    ratio: maps.ratio.toFixed(2),
    target: "off by default",
  });
  const mapsRss = peakRssMiB(["--enable-source-maps", ingestFile], env);
  const plainRss = peakRssMiB([ingestFile], env);
  rows.push({
    figure: "  its peak RSS",
    value: `+${(mapsRss - plainRss).toFixed(1)} MiB`,
    baseline: `without ${plainRss.toFixed(0)} MiB`,
    ratio: (mapsRss / plainRss).toFixed(2),
    target: "off by default",
  });
}

/**
 * The notifiers' module load beside bare node, with what no notifier can go below beside it too: an empty
 * ES module (Node's ESM loader), and a bundle of only the Powertools Logger and Metrics the standards ask
 * for, made as the notifiers make them.
 */
async function notifierLoadRows(
  rows: Row[],
  work: string,
  files: Record<string, string>,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const bare = [process.execPath, "-e", "0"];
  const emptyModule = join(work, "empty.mjs");
  writeFileSync(emptyModule, "");
  const powertoolsEntry = join(work, "powertools.ts");
  writeFileSync(
    powertoolsEntry,
    [
      'import { Logger } from "@aws-lambda-powertools/logger";',
      'import { Metrics } from "@aws-lambda-powertools/metrics";',
      'export const logger = new Logger({ serviceName: "linklocal-sentinel" });',
      'export const metrics = new Metrics({ namespace: "LinkLocalSentinel", serviceName: "linklocal-sentinel" });',
    ].join("\n"),
  );
  await bundle({ entryPoints: [powertoolsEntry], outdir: join(work, "powertools") });
  for (const [figure, file, target] of [
    ["floor: an empty ES module", emptyModule, ""],
    ["floor: Powertools Logger + Metrics alone", join(work, "powertools/index.mjs"), ""],
    ["notify-slack", files["notify-slack"] as string, "<= 1.5"],
    ["notify-pagerduty", files["notify-pagerduty"] as string, "<= 1.5"],
  ] as const) {
    const times = pairedTimes(load(file), bare, env);
    rows.push({
      figure: `${figure}: module load`,
      value: ms(times.a),
      baseline: `bare node ${ms(times.b)}`,
      ratio: times.ratio.toFixed(2),
      target,
    });
  }
}

/**
 * Slack app mode beside webhook mode, in the same run: both with the idempotency table (app mode requires it),
 * so the difference is the app-mode chunk (Web API client, incident store) imported at init.
 */
function slackModeRows(rows: Row[], notifySlack: string, env: NodeJS.ProcessEnv): void {
  const table: NodeJS.ProcessEnv = { ...env, IDEMPOTENCY_TABLE: "bench-idempotency" };
  const { SLACK_WEBHOOK_URL: _webhookUrl, ...withoutWebhook } = table;
  const app = { ...withoutWebhook, SLACK_BOT_TOKEN: "xoxb-bench-token", SLACK_CHANNEL: "C0BENCH01" };
  const load = [process.execPath, notifySlack];
  const webhook = pairedTimes(load, [process.execPath, "-e", "0"], table);
  rows.push({
    figure: "notify-slack, webhook mode with IDEMPOTENCY_TABLE: module load",
    value: ms(webhook.a),
    baseline: `bare node ${ms(webhook.b)}`,
    ratio: webhook.ratio.toFixed(2),
    target: "",
  });
  // Two environments in one pair: pairedTimes takes one, so each side sets its own through env(1), both alike.
  const withEnv = (variables: NodeJS.ProcessEnv) => [
    "env",
    "-i",
    ...Object.entries(variables).map(([name, value]) => `${name}=${value}`),
    ...load,
  ];
  const appTimes = pairedTimes(withEnv(app), withEnv(table), table);
  rows.push({
    figure: "notify-slack, Slack app mode: module load",
    value: ms(appTimes.a),
    baseline: `webhook mode ${ms(appTimes.b)}`,
    ratio: appTimes.ratio.toFixed(2),
    target: "webhook mode unchanged",
  });
}

function cliRows(rows: Row[], work: string): void {
  const env = { PATH: process.env.PATH ?? "", HOME: work };
  const bare = [process.execPath, "-e", "0"];
  const demo = pairedTimes([process.execPath, join(root, "bin/linklocal-sentinel.js"), "demo"], bare, env);
  rows.push({
    figure: "the demo `npm start` runs (the built CLI)",
    value: ms(demo.a),
    baseline: `bare node ${ms(demo.b)}`,
    ratio: demo.ratio.toFixed(2),
    target: "<= 5",
  });
  // `npm start` itself: npm's own start-up comes on top, shown by `npm run env` (npm, a shell and `env`).
  const npm = (script: string) => ["npm", "run", "--silent", "--prefix", root, script];
  const start = pairedTimes(npm("start"), bare, env);
  const npmAlone = pairedTimes(npm("env"), bare, env);
  rows.push({
    figure: "`npm start`, npm included",
    value: ms(start.a),
    baseline: `bare node ${ms(start.b)}`,
    ratio: start.ratio.toFixed(2),
    target: "<= 5",
  });
  rows.push({
    figure: "  of which npm's own start-up (`npm run env`)",
    value: ms(npmAlone.a),
    baseline: `bare node ${ms(npmAlone.b)}`,
    ratio: npmAlone.ratio.toFixed(2),
    target: "",
  });
}
