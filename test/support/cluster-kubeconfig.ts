import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { stringify } from "yaml";

const dirs: string[] = [];

/** A fresh temporary directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-kubeconfig-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface KubeconfigParts {
  currentContext?: string;
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: Record<string, unknown> }[];
}

/** Writes a kubeconfig in the standard shape and returns its path. */
export function writeKubeconfig(dir: string, file: string, parts: KubeconfigParts): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      preferences: {},
      ...(parts.currentContext ? { "current-context": parts.currentContext } : {}),
      clusters: parts.clusters ?? [],
      users: parts.users ?? [],
      contexts: parts.contexts ?? [],
    }),
  );
  return path;
}

/** One cluster, one user, one context named "test", current. */
export function singleContext(
  server: string,
  cluster: Record<string, unknown>,
  user: Record<string, unknown>,
): KubeconfigParts {
  return {
    currentContext: "test",
    clusters: [{ name: "test-cluster", cluster: { server, ...cluster } }],
    users: [{ name: "test-user", user }],
    contexts: [{ name: "test", context: { cluster: "test-cluster", user: "test-user" } }],
  };
}
