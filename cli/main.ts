import { parseArgs } from "node:util";
import { KubeconfigError } from "../shared/cluster/errors.ts";
import { ConfigError, errorMessage, InputError } from "../shared/errors.ts";
import { loadRoutes, routeGroup } from "../shared/route/index.ts";
import { readScaleConfig, scaleThrough } from "../shared/scale/index.ts";
import { enricherFor } from "./connect.ts";
import { cliDelivery } from "./deliver.ts";
import { forTerminal } from "./input-file.ts";
import { formatRedriveSummary } from "./redrive-summary.ts";
import { replayFile } from "./replay.ts";
import { formatReport } from "./report.ts";
import { VERIFY_USAGE } from "./verify.ts";

const USAGE = `linklocal-sentinel: EKS link-local (DNS) throttling alerts, enriched and diagnosed

Usage:
  linklocal-sentinel replay FILE [--kubeconfig P] [--context C] [--cluster NAME --region R] [--dry-run] [--json]
  linklocal-sentinel demo [--json]
  linklocal-sentinel redrive QUEUE_URL [--function NAME] [--dry-run] [--region R]
  linklocal-sentinel verify --cluster C --nodes N1,N2 [--since 30m] [--query-url U]
  linklocal-sentinel help [COMMAND]
  linklocal-sentinel --version

Commands:
  replay   run a saved message through the pipeline: FILE is a Lambda SNS event, a bare SNS message,
           or an Alertmanager webhook body
  demo     replay the bundled samples against a simulated EKS cluster (no AWS, no network)
  redrive  give the events parked in a function's failure queue to the function again
  verify   ask the AMP workspace whether the drops stopped on these nodes
`;

const REDRIVE_USAGE = `Usage: linklocal-sentinel redrive QUEUE_URL [options]

Reads the Lambda on-failure records in the SQS queue QUEUE_URL (a function's failure queue), invokes the
function each record names with the event it failed on, and deletes a record only when that invocation
succeeded. Records that fail again, or are not on-failure records, stay in the queue. Prints one line per
record and a summary.

Options:
  --function NAME    invoke this function instead of the one each record names
  --dry-run          say what would be invoked; invoke nothing, delete nothing
  --region R         AWS region of the queue and the function (default: the one QUEUE_URL names,
                     else $AWS_REGION)
  -h, --help         this help

Exit status: 0 when every record was redriven (or, with --dry-run, could be), 1 when any failed again or
could not be read, 2 for bad arguments.
`;

const REPLAY_USAGE = `Usage: linklocal-sentinel replay FILE [options]

Runs FILE (a Lambda SNS event, a bare SNS message, or an Alertmanager webhook body) through the same
code as the Lambdas: parse, enrich, diagnose, route, deliver.

Options:
  --kubeconfig P     enrich from the cluster in this kubeconfig (default: $KUBECONFIG)
  --context C        kubeconfig context to use (default: current-context)
  --cluster NAME     enrich from this EKS cluster through the AWS API (with --region)
  --region R         AWS region of --cluster (default: $AWS_REGION)
  --cluster-context LABEL=CONTEXT
                     read the cluster whose alerts carry cluster label LABEL through kubeconfig context
                     CONTEXT (repeatable); a context named LABEL is used without it. A message naming
                     several clusters is split, one group each; a cluster with no context is not enriched
                     (CLUSTERS, as in Lambda, reaches a fleet through the AWS API instead)
  --dry-run          print the payloads instead of sending them, with a Block Kit Builder link and an
                     HTML preview of the Slack message
  --preview-dir D    where --dry-run writes the HTML previews (default: .preview)
  --json             print one JSON report on stdout
  --self-managed-coredns
                     with a kubeconfig the EKS add-on cannot be asked about: state that CoreDNS is
                     self-managed so a coredns-scale route may patch its Deployment
  --verbose          structured logs on stderr
  -h, --help         this help

A group routed to coredns-scale runs the scaler as the Lambda does (COREDNS_SCALE_MODE, default off);
with --dry-run it decides and never writes, whatever the mode. The report's "scale" field holds the decision.

Exit status: 0 when every group was handled (a raw fallback counts), 1 when a delivery failed,
2 for bad arguments or unreadable input.
`;

const DEMO_USAGE = `Usage: linklocal-sentinel demo [--json] [--verbose]

Starts a simulated EKS cluster on 127.0.0.1, replays the bundled sample messages against it in dry-run
mode, prints what would be sent, and exits. Needs no AWS account, cluster or network.
`;

const HELP: Record<string, string> = {
  replay: REPLAY_USAGE,
  demo: DEMO_USAGE,
  redrive: REDRIVE_USAGE,
  verify: VERIFY_USAGE,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "replay":
        return await replayCommand(rest);
      case "demo":
        return await demoCommand(rest);
      case "redrive":
        return await redriveCommand(rest);
      case "verify": {
        const { verifyCommand } = await import("./verify.ts");
        const { code, output } = await verifyCommand(rest, process.env);
        process.stdout.write(forTerminal(output));
        return code;
      }
      case "--version":
      case "-V":
      case "version":
        process.stdout.write(`linklocal-sentinel ${await packageVersion()}\n`);
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(HELP[rest[0] ?? ""] ?? USAGE);
        return 0;
      default:
        throw new InputError(`unknown command "${command}" (try: linklocal-sentinel --help)`);
    }
  } catch (error) {
    // A kubeconfig that cannot be used is unreadable input, like a bad FILE: exit 2, as docs/cli.md says.
    const usageError =
      error instanceof InputError ||
      error instanceof ConfigError ||
      error instanceof KubeconfigError ||
      isParseArgsError(error);
    process.stderr.write(`linklocal-sentinel: ${forTerminal(oneLine(errorMessage(error)))}\n`);
    return usageError ? 2 : 1;
  }
}

async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kubeconfig: { type: "string" },
      context: { type: "string" },
      cluster: { type: "string" },
      region: { type: "string" },
      "cluster-context": { type: "string", multiple: true },
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      "preview-dir": { type: "string", default: ".preview" },
      "self-managed-coredns": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(REPLAY_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new InputError("replay takes exactly one FILE (try: replay --help)");
  if (values.cluster && (values.kubeconfig || values["cluster-context"]))
    throw new InputError("use either --cluster or --kubeconfig/--cluster-context, not both");
  const env = process.env;
  const routes = await loadRoutes(env);
  const cluster = await enricherFor(values, env);
  const scaleConfig = readScaleConfig(env);
  const report = await replayFile({
    file: positionals[0] as string,
    dryRun: values["dry-run"],
    env,
    enrich: cluster.enrich,
    route: (group) => routeGroup(routes, group),
    deliver: cliDelivery({ env, previewDir: values["preview-dir"] }),
    scale: (group, dryRun) =>
      scaleThrough(cluster.scale(group), group, {
        config: dryRun && scaleConfig.mode === "on" ? { ...scaleConfig, mode: "dry-run" } : scaleConfig,
        assumeSelfManaged: values["self-managed-coredns"],
      }),
  });
  process.stdout.write(
    values.json ? `${JSON.stringify(report, null, 2)}\n` : forTerminal(formatReport(report)),
  );
  if (report.errors.length === 0) return 0;
  // Each error once: on stderr, never also in the human report (--json carries them all in `errors`).
  const shown = values.json ? report.errors.slice(0, 1) : report.errors;
  const more =
    values.json && report.errors.length > 1 ? ` (+${report.errors.length - 1} more, see the report)` : "";
  for (const [index, error] of shown.entries())
    process.stderr.write(
      `linklocal-sentinel: ${forTerminal(oneLine(error))}${index === shown.length - 1 ? more : ""}\n`,
    );
  return 1;
}

async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  const { runDemo } = await import("./demo.ts");
  return runDemo({ json: values.json });
}

async function redriveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      function: { type: "string" },
      region: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(REDRIVE_USAGE);
    return 0;
  }
  const queueUrl = positionals[0];
  if (positionals.length !== 1 || queueUrl === undefined || !/^https:\/\/\S+$/.test(queueUrl))
    throw new InputError(
      "redrive takes exactly one QUEUE_URL, https://sqs.<region>.amazonaws.com/... (try: redrive --help)",
    );
  // Loaded here: only redrive needs the SQS and Lambda clients (they come with its module).
  const { redriveClients, redriveQueue, regionOfQueueUrl } = await import("./redrive.ts");
  // The queue's own region first: its function (named in each record) is in the same region.
  const region =
    values.region ?? regionOfQueueUrl(queueUrl) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const summary = await redriveQueue({
    queueUrl,
    functionName: values.function ?? null,
    dryRun: values["dry-run"],
    ...redriveClients(region),
    print: (line) => process.stdout.write(`${forTerminal(line)}\n`),
  });
  process.stdout.write(`${formatRedriveSummary(summary, values["dry-run"])}\n`);
  return summary.failed + summary.unreadable === 0 ? 0 : 1;
}

/** The version in the checkout's package.json: the CLI ships with it, bundled or run from source. */
async function packageVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const { packageRoot } = await import("./package-root.ts");
  const manifest = JSON.parse(await readFile(join(packageRoot(), "package.json"), "utf8")) as {
    version?: unknown;
  };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS");
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
