import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulatorKubeconfig } from "../../sim/index.ts";
import { SAMPLE_SCENARIO } from "../../sim/scenarios.ts";
import { CLI_TIMEOUT_MS, runCli as cli, runCliClosingStdout } from "../support/cli.ts";
import { startSimulator } from "../support/cluster-sim.ts";

const sample = (name: string) => new URL(`../../samples/${name}`, import.meta.url).pathname;

describe("linklocal-sentinel replay", { timeout: CLI_TIMEOUT_MS + 10_000 }, () => {
  it("prints one JSON report with the documented shape", async () => {
    const { code, stdout, stderr } = await cli([
      "replay",
      sample("default-text.json"),
      "--dry-run",
      "--json",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report).sort()).toEqual(["deliveries", "errors", "groups", "scale"]);
    const [group] = report.groups;
    expect(group).toMatchObject({
      status: "firing",
      alertname: "LinkLocalAllowanceExceeded",
      cluster: "sim-prod",
    });
    expect(group.alerts[1]).toMatchObject({ status: "resolved", startsAt: null, node: null });
    expect(group.alerts[0].endsAt).toBeNull();
    expect(report.deliveries).toEqual([
      expect.objectContaining({
        sink: "slack",
        sent: false,
        payload: expect.objectContaining({ blocks: expect.any(Array) }),
      }),
    ]);
    expect(report.scale).toBeNull();
    expect(report.errors).toEqual([]);
  });

  it("without any cluster says so in every group: ENRICHMENT_UNAVAILABLE with what to give replay", async () => {
    const { code, stdout } = await cli(["replay", sample("default-text.json"), "--dry-run", "--json"]);
    expect(code).toBe(0);
    const [group] = JSON.parse(stdout).groups;
    const [finding, ...others] = group.diagnosis;
    expect(others).toEqual([]);
    expect(finding.code).toBe("ENRICHMENT_UNAVAILABLE");
    expect(finding.reason).toContain("replay has no cluster to read");
    expect(finding.fix).toContain("--kubeconfig PATH");
    expect(finding.fix).toContain("--cluster NAME --region R");
    expect(group.alerts[0].enrichmentError).toContain("replay has no cluster to read");
  });

  it("delivers a raw fallback for an unreadable message and exits 0", async () => {
    const { code, stdout } = await cli(["replay", sample("unreadable.json"), "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toContain("UNREADABLE message sample-unreadable (raw fallback)");
    expect(stdout).toContain("-> slack: not sent (dry run)");
  });

  it("fails with exit 1 and names the variable when a sink has no secret", async () => {
    const { code, stdout, stderr } = await cli(["replay", sample("key-value.json")]);
    expect(code).toBe(1);
    // The error is printed once: the report says the delivery failed, stderr says why.
    expect(stdout).toContain("-> slack: FAILED (error below)");
    expect(stdout).not.toContain("SLACK_WEBHOOK_URL");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^linklocal-sentinel: slack: .*SLACK_WEBHOOK_URL/);
  });

  it.each([
    [["replay"], "replay takes exactly one FILE"],
    [["replay", "/nonexistent/alert.json"], "cannot read /nonexistent/alert.json"],
    [["replay", "x.json", "--bogus"], "Unknown option '--bogus'"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["replay", "x.json", "--cluster", "prod"], "--cluster needs --region"],
  ])("rejects %j with exit 2 and a one-line message", async (args, message) => {
    const { code, stdout, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\s+at\s.+:\d+:\d+/); // no stack trace
  });

  it("rejects an SNS event with a broken record, naming the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cli-"));
    const file = join(dir, "event.json");
    await writeFile(file, JSON.stringify({ Records: [{ Sns: { MessageId: "m1" } }] }));
    const { code, stderr } = await cli(["replay", file]);
    expect(code).toBe(2);
    expect(stderr).toContain("event.json: not a valid SNS Lambda event: Records.0.Sns.Message");
  });

  it.each([["--help"], ["replay", "--help"], ["demo", "--help"], ["help", "replay"]])(
    "prints help for %j",
    async (...args) => {
      const { code, stdout } = await cli(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage|linklocal-sentinel:/);
    },
  );
});

describe("linklocal-sentinel piped into a reader that stops early", {
  timeout: CLI_TIMEOUT_MS + 10_000,
}, () => {
  it("ends quietly, as `demo | head -1` expects, with no EPIPE stack trace", async () => {
    const { code, stderr } = await runCliClosingStdout(["demo"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("linklocal-sentinel replay against a cluster", { timeout: CLI_TIMEOUT_MS + 10_000 }, () => {
  it("enriches from a kubeconfig and writes an HTML preview on --dry-run", async () => {
    const { sim } = await startSimulator({ scenario: SAMPLE_SCENARIO, auth: { tokens: { t0k3n: "ci" } } });
    const dir = await mkdtemp(join(tmpdir(), "cli-"));
    const kubeconfig = join(dir, "kubeconfig");
    await writeFile(kubeconfig, simulatorKubeconfig(sim, { token: "t0k3n" }));
    const preview = join(dir, "preview");
    const { code, stdout } = await cli([
      "replay",
      sample("aws-json-template.json"),
      "--kubeconfig",
      kubeconfig,
      "--dry-run",
      "--preview-dir",
      preview,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("ip-10-12-0-6.ec2.internal c5.2xlarge us-east-1c spot [CoreDNS]");
    expect(stdout).toContain("! COREDNS_ON_THROTTLED_NODE:");
    expect(stdout).toContain("Block Kit Builder: https://app.slack.com/block-kit-builder#");
    const html = await readFile(join(preview, "slack-sample-json-template.html"), "utf8");
    expect(html).toContain("LinkLocalAllowanceExceeded");
  });
});

describe("linklocal-sentinel --version", { timeout: CLI_TIMEOUT_MS + 10_000 }, () => {
  it("prints the package's version and exits 0", async () => {
    const manifest = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
    for (const flag of ["--version", "-V"]) {
      const { code, stdout, stderr } = await cli([flag]);
      expect(code).toBe(0);
      expect(stderr).toBe("");
      expect(stdout).toBe(`linklocal-sentinel ${manifest.version}\n`);
    }
  });
});
