import { spawn } from "node:child_process";
import { KubeCredentialsError } from "./errors.ts";
import type { CredentialsProvider, KubeCredentials } from "./http-kube-client.ts";

/**
 * kubeconfig `exec` credential plugins (client.authentication.k8s.io v1 and v1beta1), as kubectl runs them:
 * `aws eks get-token`, `kubelogin`, `gke-gcloud-auth-plugin`... The plugin prints an ExecCredential on stdout;
 * its token or client certificate is cached until `expirationTimestamp`, or until the server answers 401.
 */

export const ExecApiVersions = [
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
] as const;

export const ExecDefaults = {
  timeoutMs: 30_000,
  /** Re-run the plugin this long before the credential expires. */
  expirySkewMs: 30_000,
  maxOutputBytes: 1024 * 1024,
} as const;

export interface ExecConfig {
  apiVersion: string;
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface ExecClusterInfo {
  server: string;
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "tls-server-name"?: string;
}

export interface ExecCredentialOptions {
  exec: ExecConfig;
  /** Directory of the kubeconfig that declared the plugin; relative commands with a slash resolve from it. */
  baseDir: string;
  /** The calling process environment, which the plugin inherits. */
  env: Record<string, string | undefined>;
  cluster?: ExecClusterInfo;
  timeoutMs?: number;
  now?: () => number;
}

interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

function describeCommand(exec: ExecConfig): string {
  return `exec plugin "${exec.command}"`;
}

/** What runExecPlugin returns: the credential, and its expiry (ms since epoch) if the plugin gave one. */
interface ExecResult {
  credentials: KubeCredentials;
  expiresAt: number | undefined;
}

/** Runs the plugin once and returns the credential with its expiry (ms since epoch) if it gave one. */
export async function runExecPlugin(options: ExecCredentialOptions): Promise<ExecResult> {
  const { exec } = options;
  const name = describeCommand(exec);
  if (!(ExecApiVersions as readonly string[]).includes(exec.apiVersion)) {
    throw new KubeCredentialsError(
      `${name} uses apiVersion "${exec.apiVersion}"; supported: ${ExecApiVersions.join(", ")}`,
    );
  }
  if (exec.interactiveMode === "Always") {
    throw new KubeCredentialsError(
      `${name} needs an interactive terminal (interactiveMode: Always); run it with kubectl first`,
    );
  }
  const command =
    exec.command.includes("/") && !exec.command.startsWith("/")
      ? `${options.baseDir}/${exec.command}`
      : exec.command;
  const { stdout, stderr, code } = await runCommand(command, pluginEnv(options), {
    exec,
    name,
    timeoutMs: options.timeoutMs ?? ExecDefaults.timeoutMs,
  });
  if (code !== 0) {
    // stderr is what kubectl shows too; stdout may hold a credential and is never quoted.
    const detail = stderr.trim().slice(0, 500);
    throw new KubeCredentialsError(`${name} exited with code ${code}${detail ? `: ${detail}` : ""}`);
  }
  return readExecCredential(stdout, exec, name);
}

/** The caller's environment, the kubeconfig's `env`, and KUBERNETES_EXEC_INFO describing the request. */
function pluginEnv(options: ExecCredentialOptions): Record<string, string> {
  const { exec } = options;
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo && options.cluster) spec.cluster = options.cluster;
  const execInfo = { kind: "ExecCredential", apiVersion: exec.apiVersion, spec };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  for (const entry of exec.env ?? []) env[entry.name] = entry.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify(execInfo);
  return env;
}

/** Runs the command to its end, killed at the timeout; stdout capped, a missing command named with its hint. */
function runCommand(
  command: string,
  env: Record<string, string>,
  how: { exec: ExecConfig; name: string; timeoutMs: number },
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const { exec, name, timeoutMs } = how;
  return new Promise((resolve, reject) => {
    const child = spawn(command, exec.args ?? [], { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new KubeCredentialsError(`${name} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= ExecDefaults.maxOutputBytes) out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = exec.installHint ? `\n${exec.installHint.trim()}` : "";
      reject(
        new KubeCredentialsError(
          error.code === "ENOENT"
            ? `${name} not found on PATH or not executable${hint}`
            : `${name} failed to start: ${error.message}`,
          { cause: error },
        ),
      );
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        code: exitCode,
      });
    });
  });
}

/** The ExecCredential the plugin printed: of the asked apiVersion, with a token or a client certificate. */
function readExecCredential(stdout: string, exec: ExecConfig, name: string): ExecResult {
  let parsed: { kind?: string; apiVersion?: string; status?: ExecCredentialStatus };
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new KubeCredentialsError(`${name} printed something that is not an ExecCredential JSON object`);
  }
  if (parsed.kind !== "ExecCredential") {
    throw new KubeCredentialsError(`${name} printed kind "${String(parsed.kind)}", expected ExecCredential`);
  }
  if (parsed.apiVersion !== exec.apiVersion) {
    throw new KubeCredentialsError(
      `${name} answered with apiVersion "${String(parsed.apiVersion)}" but the kubeconfig asked for "${exec.apiVersion}"`,
    );
  }
  const status = parsed.status ?? {};
  let expiresAt: number | undefined;
  if (status.expirationTimestamp) {
    expiresAt = Date.parse(status.expirationTimestamp);
    if (Number.isNaN(expiresAt)) {
      throw new KubeCredentialsError(
        `${name} gave an invalid expirationTimestamp "${status.expirationTimestamp}"`,
      );
    }
  }
  if (status.token) return { credentials: { token: status.token }, expiresAt };
  if (status.clientCertificateData && status.clientKeyData) {
    return { credentials: { cert: status.clientCertificateData, key: status.clientKeyData }, expiresAt };
  }
  throw new KubeCredentialsError(
    `${name} returned neither status.token nor clientCertificateData and clientKeyData`,
  );
}

/** A credentials provider that runs the plugin when it has no valid cached credential. */
export function execCredentialsProvider(options: ExecCredentialOptions): CredentialsProvider {
  const now = options.now ?? Date.now;
  let cached: { credentials: KubeCredentials; expiresAt: number | undefined } | undefined;
  let inFlight: Promise<KubeCredentials> | undefined;
  return async (request) => {
    const fresh =
      cached && (cached.expiresAt === undefined || cached.expiresAt - ExecDefaults.expirySkewMs > now());
    if (cached && fresh && !request?.forceRefresh) return cached.credentials;
    inFlight ??= runExecPlugin(options)
      .then((result) => {
        cached = result;
        return result.credentials;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
