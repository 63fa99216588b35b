import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What users run: bin/ starts the prebuilt bundle in dist/cli (built from the sources by test/global-setup.ts). */
const bin = new URL("../../bin/linklocal-sentinel.js", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// One CLI child process at a time per test file, however a test calls: with the vitest workers that bounds how
// many run at once, so a busy 2-core machine slows them down instead of timing them out.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the built CLI in a child process with a clean environment (PATH and an empty HOME: no KUBECONFIG, no
 * AWS profile, no secrets) plus `env`, and returns its exit code and output.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const next = queue.then(() => spawnCli(args, env));
  queue = next.catch(() => undefined);
  return next;
}

/** The per-process bound of a CLI run; a test that runs the CLI gives itself a little more. */
export const CLI_TIMEOUT_MS = 60_000;

async function spawnCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const home = await mkdtemp(join(tmpdir(), "cli-home-"));
  try {
    return await new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, ...args],
        { env: { PATH: process.env.PATH ?? "", HOME: home, ...env }, timeout: CLI_TIMEOUT_MS },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Runs the built CLI with its stdout read until the first newline and then closed, as `| head -1` does: the
 * exit code and what it wrote to stderr.
 */
export function runCliClosingStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const next = queue.then(
    () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, ...args], {
          env: { PATH: process.env.PATH ?? "" },
          stdio: ["ignore", "pipe", "pipe"],
          timeout: CLI_TIMEOUT_MS,
        });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString("utf8");
        });
        child.stdout.on("data", (chunk: Buffer) => {
          if (chunk.includes(10)) child.stdout.destroy();
        });
        child.on("close", (code) => resolve({ code, stderr }));
      }),
  );
  queue = next.catch(() => undefined);
  return next;
}
