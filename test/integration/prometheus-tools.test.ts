import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { debianToolsPresent } from "../support/debian-tools.ts";
import { alertmanagerConfig } from "../support/real-alertmanager.ts";

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
      /Found:\s+- global config\s+- route\s+- 0 inhibit rules\s+- 1 receivers\s+- 1 templates/,
    );
    expect(result.code).toBe(0);
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
