import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Env } from "../config/env.ts";
import { logger } from "../logger.ts";
import { KubeCredentialsError, KubeconfigError } from "./errors.ts";
import { type ExecConfig, execCredentialsProvider } from "./exec-credential.ts";
import { HttpKubeClient, type HttpKubeClientOptions, type KubeAuth } from "./http-kube-client.ts";

/**
 * Standard kubeconfig loading as kubectl does it: `--kubeconfig`, else every file in `KUBECONFIG` merged
 * with the first definition of each name winning, else `~/.kube/config`; `--context` or current-context.
 * File paths inside a kubeconfig are relative to the file that names them.
 */

interface NamedEntry<T> {
  name: string;
  value: T;
  /** Directory of the file that defined it. */
  dir: string;
}

interface RawCluster {
  server?: string;
  "certificate-authority"?: string;
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "tls-server-name"?: string;
  "proxy-url"?: string;
}

interface RawUser {
  token?: string;
  tokenFile?: string;
  "client-certificate"?: string;
  "client-certificate-data"?: string;
  "client-key"?: string;
  "client-key-data"?: string;
  exec?: ExecConfig;
  username?: string;
  "auth-provider"?: { name?: string };
}

interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

export interface MergedKubeconfig {
  files: string[];
  currentContext: string | undefined;
  clusters: Map<string, NamedEntry<RawCluster>>;
  users: Map<string, NamedEntry<RawUser>>;
  contexts: Map<string, NamedEntry<RawContext>>;
}

export interface KubeconfigSelection {
  /** --kubeconfig: one file, which must exist. */
  path?: string;
  /** --context; defaults to current-context. */
  context?: string;
  /** Reads KUBECONFIG and HOME; also the environment exec plugins inherit. */
  env: Env;
}

export interface ResolvedKubeconfig {
  contextName: string;
  clusterName: string;
  userName: string;
  namespace: string | undefined;
  client: HttpKubeClientOptions;
}

function kubeconfigPaths(selection: KubeconfigSelection): { paths: string[]; explicit: boolean } {
  if (selection.path) return { paths: [resolve(selection.path)], explicit: true };
  const fromEnv = selection.env.KUBECONFIG;
  if (fromEnv && fromEnv.trim() !== "") {
    return {
      paths: [...new Set(fromEnv.split(delimiter).filter((p) => p.trim() !== ""))].map((p) => resolve(p)),
      explicit: false,
    };
  }
  const home = selection.env.HOME ?? homedir();
  return { paths: [resolve(home, ".kube", "config")], explicit: false };
}

function asList(value: unknown, file: string, key: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KubeconfigError(`${file}: "${key}" must be a list`);
  return value as Record<string, unknown>[];
}

export function loadMergedKubeconfig(selection: KubeconfigSelection): MergedKubeconfig {
  const { paths, explicit } = kubeconfigPaths(selection);
  const merged: MergedKubeconfig = {
    files: [],
    currentContext: undefined,
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const file of paths) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      // kubectl skips KUBECONFIG entries that do not exist, but not an explicit --kubeconfig.
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && !explicit) continue;
      throw new KubeconfigError(`Cannot read kubeconfig ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let doc: Record<string, unknown> | null;
    try {
      doc = parseYaml(text) as Record<string, unknown> | null;
    } catch (error) {
      throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${(error as Error).message}`, {
        cause: error,
      });
    }
    merged.files.push(file);
    if (doc === null || typeof doc !== "object") continue;
    const dir = dirname(file);
    if (
      merged.currentContext === undefined &&
      typeof doc["current-context"] === "string" &&
      doc["current-context"] !== ""
    ) {
      merged.currentContext = doc["current-context"];
    }
    const collect = <T>(key: string, field: string, into: Map<string, NamedEntry<T>>) => {
      for (const entry of asList(doc?.[key], file, key)) {
        const name = entry.name;
        if (typeof name !== "string" || into.has(name)) continue;
        into.set(name, { name, value: (entry[field] ?? {}) as T, dir });
      }
    };
    collect<RawCluster>("clusters", "cluster", merged.clusters);
    collect<RawUser>("users", "user", merged.users);
    collect<RawContext>("contexts", "context", merged.contexts);
  }
  if (explicit && merged.files.length === 0) throw new KubeconfigError(`Cannot read kubeconfig ${paths[0]}`);
  return merged;
}

function readRelative(dir: string, file: string, what: string): string {
  const full = isAbsolute(file) ? file : resolve(dir, file);
  try {
    return readFileSync(full, "utf8");
  } catch (error) {
    throw new KubeconfigError(
      `Cannot read ${what} ${full}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function decodeData(data: string, what: string): string {
  const decoded = Buffer.from(data, "base64").toString("utf8");
  if (!decoded.includes("-----BEGIN")) throw new KubeconfigError(`${what} is not base64-encoded PEM`);
  return decoded;
}

function authFor(
  user: NamedEntry<RawUser>,
  cluster: NamedEntry<RawCluster>,
  env: Env,
  caData?: string,
): KubeAuth {
  const raw = user.value;
  const label = `user "${user.name}"`;
  if (raw.exec) return execAuth(user, cluster, env, caData);
  if (raw.token) {
    const token = raw.token;
    return { type: "bearer", token: async () => token, refreshable: false };
  }
  if (raw.tokenFile) return tokenFileAuth(user, raw.tokenFile);
  const certificate = clientCertificateAuth(user);
  if (certificate) return certificate;
  if (raw["auth-provider"]) {
    throw new KubeconfigError(
      `kubeconfig ${label} uses auth-provider "${raw["auth-provider"].name ?? "?"}", which is not supported; use an exec plugin`,
    );
  }
  if (raw.username)
    throw new KubeconfigError(`kubeconfig ${label} uses basic auth, which Kubernetes no longer supports`);
  return { type: "none" };
}

/** An exec plugin, told about the cluster the way kubectl tells it (provideClusterInfo). */
function execAuth(
  user: NamedEntry<RawUser>,
  cluster: NamedEntry<RawCluster>,
  env: Env,
  caData: string | undefined,
): KubeAuth {
  const exec = user.value.exec as NonNullable<RawUser["exec"]>;
  if (typeof exec.command !== "string" || exec.command === "") {
    throw new KubeconfigError(`kubeconfig user "${user.name}": exec has no command`);
  }
  return {
    type: "dynamic",
    credentials: execCredentialsProvider({
      exec,
      baseDir: user.dir,
      env,
      cluster: {
        server: cluster.value.server ?? "",
        ...(caData ? { "certificate-authority-data": caData } : {}),
        ...(cluster.value["insecure-skip-tls-verify"] ? { "insecure-skip-tls-verify": true } : {}),
        ...(cluster.value["tls-server-name"] ? { "tls-server-name": cluster.value["tls-server-name"] } : {}),
      },
    }),
  };
}

/** A token file, checked now and read again for each request. */
function tokenFileAuth(user: NamedEntry<RawUser>, tokenFile: string): KubeAuth {
  const label = `user "${user.name}"`;
  const path = isAbsolute(tokenFile) ? tokenFile : resolve(user.dir, tokenFile);
  // Projected service-account tokens rotate on disk, so the file is read for each request, as kubectl re-reads it.
  readRelative(user.dir, tokenFile, `tokenFile of ${label}`);
  return {
    type: "bearer",
    token: async () => {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (error) {
        throw new KubeCredentialsError(`Cannot read tokenFile ${path} of ${label}`, { cause: error });
      }
      return text.trim();
    },
  };
}

/** A client certificate and key, inline or in files; null when the user has neither, an error for one alone. */
function clientCertificateAuth(user: NamedEntry<RawUser>): KubeAuth | null {
  const raw = user.value;
  const label = `user "${user.name}"`;
  const cert = raw["client-certificate-data"]
    ? decodeData(raw["client-certificate-data"], `client-certificate-data of ${label}`)
    : raw["client-certificate"]
      ? readRelative(user.dir, raw["client-certificate"], `client-certificate of ${label}`)
      : undefined;
  const key = raw["client-key-data"]
    ? decodeData(raw["client-key-data"], `client-key-data of ${label}`)
    : raw["client-key"]
      ? readRelative(user.dir, raw["client-key"], `client-key of ${label}`)
      : undefined;
  if (cert && key) return { type: "client-certificate", cert, key };
  if (cert || key)
    throw new KubeconfigError(`kubeconfig ${label} has a client certificate or key but not both`);
  return null;
}

/** The context to use and the cluster and user it names, each checked to exist. */
interface ChosenContext {
  contextName: string;
  context: NamedEntry<RawContext>;
  clusterName: string;
  cluster: NamedEntry<RawCluster>;
  userName: string;
  user: NamedEntry<RawUser> | undefined;
}

function chooseContext(merged: MergedKubeconfig, selection: KubeconfigSelection): ChosenContext {
  const where =
    merged.files.length > 0 ? merged.files.join(", ") : kubeconfigPaths(selection).paths.join(", ");
  const contextName = selection.context ?? merged.currentContext;
  if (!contextName) {
    throw new KubeconfigError(
      `No current-context in kubeconfig (${where}); pass --context or set current-context`,
    );
  }
  const context = merged.contexts.get(contextName);
  if (!context) {
    const known = [...merged.contexts.keys()];
    throw new KubeconfigError(
      `Context "${contextName}" not found in kubeconfig (${where})${known.length ? `; known contexts: ${known.join(", ")}` : ""}`,
    );
  }
  const clusterName = context.value.cluster;
  const cluster = clusterName ? merged.clusters.get(clusterName) : undefined;
  if (!clusterName || !cluster) {
    throw new KubeconfigError(
      `Context "${contextName}" names cluster "${clusterName ?? ""}", which is not in kubeconfig (${where})`,
    );
  }
  const userName = context.value.user ?? "";
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user) {
    throw new KubeconfigError(
      `Context "${contextName}" names user "${userName}", which is not in kubeconfig (${where})`,
    );
  }
  return { contextName, context, clusterName, cluster, userName, user };
}

export function resolveKubeconfig(
  selection: KubeconfigSelection & { timeoutMs?: number },
): ResolvedKubeconfig {
  const { contextName, context, clusterName, cluster, userName, user } = chooseContext(
    loadMergedKubeconfig(selection),
    selection,
  );
  const server = cluster.value.server;
  if (!server) throw new KubeconfigError(`Cluster "${clusterName}" in kubeconfig has no server`);
  if (cluster.value["proxy-url"]) {
    logger.warn("kubeconfig proxy-url is not supported; connecting to the server directly", {
      cluster: clusterName,
    });
  }

  const caData = cluster.value["certificate-authority-data"];
  const ca = caData
    ? decodeData(caData, `certificate-authority-data of cluster "${clusterName}"`)
    : cluster.value["certificate-authority"]
      ? readRelative(
          cluster.dir,
          cluster.value["certificate-authority"],
          `certificate-authority of cluster "${clusterName}"`,
        )
      : undefined;
  const auth: KubeAuth = user ? authFor(user, cluster, selection.env, caData) : { type: "none" };
  return {
    contextName,
    clusterName,
    userName,
    namespace: context.value.namespace,
    client: {
      server,
      ca,
      insecureSkipTlsVerify: cluster.value["insecure-skip-tls-verify"] === true,
      tlsServerName: cluster.value["tls-server-name"],
      auth,
      timeoutMs: selection.timeoutMs,
    },
  };
}

/** A KubeApi from a kubeconfig; throws KubeconfigError naming what is missing. */
export function createKubeconfigKubeApi(
  selection: KubeconfigSelection & { timeoutMs?: number },
): HttpKubeClient {
  return new HttpKubeClient(resolveKubeconfig(selection).client);
}
