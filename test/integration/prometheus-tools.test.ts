import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { debianToolsPresent } from "../support/debian-tools.ts";
import { readRepoFile } from "../support/infra-template.ts";
import {
  type AlertmanagerConfig,
  alertmanagerConfig,
  loopbackConfig,
  mergeProjectDefinition,
  PROJECT_RECEIVER,
} from "../support/real-alertmanager.ts";

const run = promisify(execFile);
const present = debianToolsPresent(["amtool", "promtool"], "amtool/promtool checks");

/** Runs a tool and returns its exit code and output, never throwing on a non-zero exit. */
async function tool(command: string, args: string[], cwd?: string) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe.runIf(present)("Prometheus' own tools on infra/", () => {
  const dir = mkdtempSync(join(tmpdir(), "promtools-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("amtool accepts the project's alert manager definition (placeholders replaced)", async () => {
    const config = join(dir, "alertmanager.yml");
    writeFileSync(config, alertmanagerConfig("project", "https://sns.us-east-1.amazonaws.com/", dir));
    const result = await tool("amtool", ["check-config", config]);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.output).toMatch(
      /Found:\s+- global config\s+- route\s+- 0 inhibit rules\s+- 2 receivers\s+- 1 templates/,
    );
    expect(result.code).toBe(0);
  });

  /** The receiver `amtool config routes test` picks for an alert with these labels. */
  async function receiverFor(config: string, labels: Record<string, string>) {
    const result = await tool("amtool", [
      "config",
      "routes",
      "test",
      `--config.file=${config}`,
      ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ]);
    if (result.code !== 0) throw new Error(`amtool config routes test: ${result.output}`);
    return result.output.replace(/^Warning:.*$/gm, "").trim();
  }

  const alertNames = (
    parse(readRepoFile("infra/alert-rules.yaml")) as { groups: { rules: { alert?: string }[] }[] }
  ).groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));

  it("amtool routes every alert of infra/alert-rules.yaml to the project's receiver, and nothing else", async () => {
    const config = join(dir, "routes.yml");
    writeFileSync(config, alertmanagerConfig("project", "https://sns.us-east-1.amazonaws.com/", dir));
    expect(alertNames.length).toBeGreaterThanOrEqual(3);
    for (const alertname of alertNames)
      expect(await receiverFor(config, { alertname, cluster: "prod", severity: "critical" })).toBe(
        PROJECT_RECEIVER,
      );
    expect(await receiverFor(config, { alertname: "KubePodCrashLooping", severity: "critical" })).toBe(
      "unrouted",
    );
  });

  it("amtool: merged into a definition with its own routes, the project's route still takes its alerts only", async () => {
    const existing: AlertmanagerConfig = {
      route: {
        receiver: "team-default",
        routes: [{ receiver: "team-critical", matchers: ['severity="critical"'] }],
      },
      receivers: ["team-default", "team-critical"].map((name) => ({
        name,
        sns_configs: [
          { topic_arn: `arn:aws:sns:us-east-1:111122223333:${name}`, sigv4: { region: "us-east-1" } },
        ],
      })),
    };
    const config = join(dir, "merged.yml");
    writeFileSync(
      config,
      stringify(
        loopbackConfig(
          mergeProjectDefinition({ templateFiles: {}, config: existing }),
          "https://sns.us-east-1.amazonaws.com/",
          dir,
        ),
      ),
    );
    for (const alertname of alertNames)
      expect(await receiverFor(config, { alertname, severity: "critical" }), alertname).toBe(
        PROJECT_RECEIVER,
      );
    expect(await receiverFor(config, { alertname: "KubePodCrashLooping", severity: "critical" })).toBe(
      "team-critical",
    );
    expect(await receiverFor(config, { alertname: "KubePodCrashLooping", severity: "warning" })).toBe(
      "team-default",
    );
    expect((await tool("amtool", ["check-config", config])).output).toMatch(/SUCCESS[\s\S]*- 3 receivers/);
  });

  it("amtool: the project's template file defines no sns.default.* template, only its own", async () => {
    const file = join(dir, "project-templates.tmpl");
    const templateFiles = (
      parse(readRepoFile("infra/alertmanager.yaml")) as { template_files: Record<string, string> }
    ).template_files;
    writeFileSync(file, Object.values(templateFiles).join("\n"));
    const render = (text: string) =>
      tool("amtool", ["template", "render", `--template.glob=${file}`, `--template.text=${text}`]);
    for (const name of ["sns.default.message", "sns.default.subject"]) {
      const result = await render(`{{ template "${name}" . }}`);
      expect(result.output).toMatch(new RegExp(`template "${name.replaceAll(".", "\\.")}" not defined`));
      expect(result.code).not.toBe(0);
    }
    const ours = await render('{{ template "linklocal_sentinel.sns.message" . }}');
    expect(ours.code).toBe(0);
    expect(JSON.parse(ours.output)).toMatchObject({
      receiver: "receiver",
      externalURL: "https://example.com",
    });
  });

  it("amtool refuses a broken definition, so the check above can fail", async () => {
    const config = join(dir, "broken.yml");
    writeFileSync(config, "route:\n  receiver: nowhere\nreceivers: []\n");
    expect((await tool("amtool", ["check-config", config])).code).not.toBe(0);
  });

  it("promtool accepts infra/alert-rules.yaml", async () => {
    const result = await tool("promtool", ["check", "rules", "infra/alert-rules.yaml"]);
    expect(result.output).toMatch(/SUCCESS: 3 rules found/);
    expect(result.code).toBe(0);
  });

  it("promtool's unit tests pass: flat counters never fire, rising ones do after for on every device, resets don't", async () => {
    const result = await tool(
      "promtool",
      ["test", "rules", "alert-rules.test.yaml"],
      "test/integration/promtool",
    );
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });
});
