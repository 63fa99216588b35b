import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { forTerminal, MAX_INPUT_BYTES, readInputFile } from "../../cli/input-file.ts";
import { InputError } from "../../shared/errors.ts";
import { linkLocalGroup, renderWebhookV4 } from "../../sim/alertmanager-messages.ts";
import { CLI_TIMEOUT_MS, runCli as run } from "../support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "cli-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("replay input", { timeout: CLI_TIMEOUT_MS + 10_000 }, () => {
  it("reads a regular file", async () => {
    const file = join(dir, "ok.json");
    writeFileSync(file, '{"alerts": []}');
    await expect(readInputFile(file)).resolves.toBe('{"alerts": []}');
  });

  it("refuses a file over the limit before reading it, with one line naming the file", async () => {
    const file = join(dir, "big.json");
    writeFileSync(file, "x".repeat(2_000));
    await expect(readInputFile(file, 1_000)).rejects.toThrow(
      new InputError(`${file} is larger than ${1_000 / 1024 / 1024} MiB: not a saved alert message`),
    );
    expect(MAX_INPUT_BYTES).toBe(16 * 1024 * 1024);
  });

  it.each([
    ["/dev/zero", "a device"],
    ["/tmp", "a directory"],
  ])("refuses %s (%s) at once", async (path, kind) => {
    await expect(readInputFile(path)).rejects.toThrow(`${path} is not a regular file (${kind})`);
  });

  it("refuses a FIFO without opening it (a FIFO with no writer would hang)", async () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    await expect(readInputFile(fifo)).rejects.toThrow(`${fifo} is not a regular file (a FIFO)`);
  });

  it("exits 2 with one line for such input", async () => {
    const result = await run(["replay", "/dev/zero"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "linklocal-sentinel: /dev/zero is not a regular file (a device): replay reads messages saved in files\n",
    );
  });

  it("exits 2 when the kubeconfig cannot be used, as docs/cli.md says for unreadable input", async () => {
    const file = join(dir, "alert.json");
    writeFileSync(file, renderWebhookV4(linkLocalGroup({ count: 1 })));
    const missing = await run(["replay", file, "--kubeconfig", join(dir, "nope"), "--dry-run"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^linklocal-sentinel: Cannot read kubeconfig .*nope/);
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, "apiVersion: v1\nclusters: []\n");
    const noContext = await run(["replay", file, "--kubeconfig", kubeconfig, "--dry-run"]);
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toMatch(/No current-context/);
  });
});

describe("human-readable output", { timeout: CLI_TIMEOUT_MS + 10_000 }, () => {
  it("strips terminal escapes and bidi overrides a label could carry", () => {
    expect(forTerminal("node \u001b[2J\u001b]0;pwned\u0007x\u009b31m \u202Eevil\u202C ok\ttab\nline")).toBe(
      "node [2J]0;pwnedx31m evil ok\ttab\nline",
    );
  });

  it("replay prints no escape sequence from a label", async () => {
    const group = linkLocalGroup({ count: 1, extraLabels: { team: "\u001b[31mred\u001b[0m" } });
    group.alerts[0]!.annotations.summary = "\u001b]8;;http://evil\u0007click\u001b]8;;\u0007";
    const file = join(dir, "escape.json");
    writeFileSync(file, renderWebhookV4(group));
    const result = await run(["replay", file, "--dry-run", "--preview-dir", join(dir, "preview")]);
    expect(result.stdout.length).toBeGreaterThan(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the assertion is about control characters
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
