import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** One SNS Publish as Alertmanager's SNS notifier sent it (AWS Query protocol, form-encoded). */
export interface CapturedPublish {
  topicArn: string;
  subject: string | null;
  message: string;
  attributes: Record<string, string>;
  /** The SigV4 Authorization header, so a test can check the notifier signed with the test keys. */
  authorization: string;
  /** The form body as received, to check it byte for byte. */
  rawBody: string;
}

export const TEST_ACCESS_KEY = "AKIDLINKLOCALTEST";
export const TEST_SECRET_KEY = "linklocal-sentinel-test-secret";
export const AMP_TOPIC_ARN = "arn:aws:sns:us-east-1:111122223333:amp-alerts";

/** A loopback stand-in for SNS Publish that keeps every message it is given. */
export async function startSnsStandIn(): Promise<{
  url: string;
  publishes: CapturedPublish[];
  /** Answers the next Publish calls with these HTTP statuses (then accepts again). */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}> {
  const publishes: CapturedPublish[] = [];
  const failures: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const form = new URLSearchParams(rawBody);
      if (form.get("Action") !== "Publish") {
        res.writeHead(400, { "content-type": "text/xml" }).end("<ErrorResponse/>");
        return;
      }
      const failure = failures.shift();
      if (failure !== undefined) {
        const code = failure >= 500 ? "InternalError" : "InvalidParameter";
        res
          .writeHead(failure, { "content-type": "text/xml" })
          .end(
            `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${failure >= 500 ? "Receiver" : "Sender"}</Type><Code>${code}</Code><Message>injected ${failure}</Message></Error><RequestId>f</RequestId></ErrorResponse>`,
          );
        return;
      }
      const attributes: Record<string, string> = {};
      for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
        attributes[form.get(`MessageAttributes.entry.${i}.Name`) as string] =
          form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? "";
      }
      publishes.push({
        topicArn: form.get("TopicArn") ?? "",
        subject: form.get("Subject"),
        message: form.get("Message") ?? "",
        attributes,
        authorization: String(req.headers.authorization ?? ""),
        rawBody,
      });
      const id = `am-${publishes.length}-${Date.now()}`;
      res
        .writeHead(200, { "content-type": "text/xml" })
        .end(
          `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></PublishResponse>`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    publishes,
    failNext: (...statuses) => failures.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export type TemplateVariant =
  | "project"
  | "aws-documented"
  | "aws-documented-without-external-url"
  | "aws-documented-ending-at-common-labels"
  | "none";

/**
 * The AWS-documented template as copies of it circulate: some end after `commonAnnotations` with no
 * `externalURL` pair, and users drop keys. Each is derived from the documented text by removing whole pairs.
 */
function awsDocumentedTemplate(variant: TemplateVariant): string {
  const documented = readFileSync("test/integration/templates/aws-documented.tmpl", "utf8");
  const externalUrl = ',"externalURL": "{{ .ExternalURL }}"';
  const commonAnnotations = /\{\{ if gt \(len \.CommonAnnotations\) 0 -\}\}.*?\{\{- end \}\}/;
  const removed: Record<string, (text: string) => string> = {
    "aws-documented": (text) => text,
    "aws-documented-without-external-url": (text) => text.replace(externalUrl, ""),
    "aws-documented-ending-at-common-labels": (text) =>
      text.replace(externalUrl, "").replace(commonAnnotations, ""),
  };
  const derive = removed[variant];
  if (!derive) throw new Error(`${variant} is not a copy of the AWS-documented template`);
  const text = derive(documented);
  if (variant !== "aws-documented" && text === documented) throw new Error(`${variant}: nothing was removed`);
  return text;
}

interface SnsConfig extends Record<string, unknown> {
  topic_arn: string;
}
interface Receiver {
  name: string;
  sns_configs?: SnsConfig[];
}
interface Route extends Record<string, unknown> {
  receiver: string;
  routes?: Route[];
}
/** An Alertmanager configuration file's parts this harness reads and changes. */
export interface AlertmanagerConfig {
  templates?: string[];
  route: Route;
  receivers: Receiver[];
}

export const PROJECT_RECEIVER = "linklocal-sentinel";

/** infra/alertmanager.yaml with its placeholders replaced as docs/deploy.md's sed does. */
export function projectDefinition(): { templateFiles: Record<string, string>; config: AlertmanagerConfig } {
  const definition = parse(readFileSync("infra/alertmanager.yaml", "utf8")) as {
    template_files: Record<string, string>;
    alertmanager_config: string;
  };
  // The definition's placeholders are literal `${...}` text.
  const placeholders: Record<string, string> = { AMP_TOPIC_ARN, AWS_REGION: "us-east-1" };
  const config = parse(
    definition.alertmanager_config.replace(
      /\$\{(AMP_TOPIC_ARN|AWS_REGION)\}/g,
      (_m, name: string) => placeholders[name] ?? "",
    ),
  ) as AlertmanagerConfig;
  return { templateFiles: definition.template_files, config };
}

/** The project's child route: the one under the root that sends to the project's receiver. */
export function projectRoute(config: AlertmanagerConfig): Route {
  const route = (config.route.routes ?? []).find((r) => r.receiver === PROJECT_RECEIVER);
  if (!route) throw new Error(`no child route of the root sends to ${PROJECT_RECEIVER}`);
  return route;
}

/**
 * Merges the project's definition into an existing one the way docs/deploy.md ("Merge into an existing
 * definition") says: its template file added to `templates`, its receiver added, its child route first among
 * the root's routes. The existing root route, receivers and templates stay as they were.
 */
export function mergeProjectDefinition(
  existing: { templateFiles: Record<string, string>; config: AlertmanagerConfig },
  project = projectDefinition(),
): { templateFiles: Record<string, string>; config: AlertmanagerConfig } {
  const config = structuredClone(existing.config);
  const ours = project.config.receivers.find((r) => r.name === PROJECT_RECEIVER);
  if (!ours) throw new Error(`infra/alertmanager.yaml has no ${PROJECT_RECEIVER} receiver`);
  config.templates = [...(config.templates ?? []), ...(project.config.templates ?? [])];
  config.receivers = [...config.receivers, ours];
  config.route.routes = [projectRoute(project.config), ...(config.route.routes ?? [])];
  return { templateFiles: { ...existing.templateFiles, ...project.templateFiles }, config };
}

/**
 * Makes a configuration runnable on loopback: template files written to `dir`, every SNS receiver pointed at
 * the stand-in with static SigV4 keys, and short group timings on the root and the project's route.
 */
export function loopbackConfig(
  definition: { templateFiles: Record<string, string>; config: AlertmanagerConfig },
  snsUrl: string,
  dir: string,
): AlertmanagerConfig {
  const config = structuredClone(definition.config);
  const written = new Map(
    Object.entries(definition.templateFiles).map(([name, text]) => {
      const path = join(dir, `${name}.tmpl`);
      writeFileSync(path, text);
      return [name, path];
    }),
  );
  config.templates = (config.templates ?? []).map((name) => {
    const path = written.get(name);
    if (!path) throw new Error(`templates names ${name}, which template_files does not hold`);
    return path;
  });
  const fast = { group_wait: "1s", group_interval: "2s", repeat_interval: "1h" };
  Object.assign(config.route, fast);
  for (const route of config.route.routes ?? [])
    if (route.receiver === PROJECT_RECEIVER) Object.assign(route, fast);
  for (const receiver of config.receivers) {
    for (const sns of receiver.sns_configs ?? []) {
      sns.api_url = snsUrl;
      sns.sigv4 = { region: "us-east-1", access_key: TEST_ACCESS_KEY, secret_key: TEST_SECRET_KEY };
    }
  }
  return config;
}

/**
 * An Alertmanager configuration for one template variant: the project's definition (infra/alertmanager.yaml,
 * placeholders replaced), the AWS-documented JSON template, or no template at all (Alertmanager's default
 * text). Only what a loopback test needs changes: the SNS endpoint, static SigV4 keys and short group timings.
 */
export function alertmanagerConfig(variant: TemplateVariant, snsUrl: string, dir: string): string {
  const project = projectDefinition();
  if (variant === "project") return stringify(loopbackConfig(project, snsUrl, dir));
  const templateFiles: Record<string, string> = variant.startsWith("aws-documented")
    ? { aws_documented: awsDocumentedTemplate(variant) }
    : {};
  const config = structuredClone(project.config);
  config.templates = Object.keys(templateFiles);
  // Without the project's template the message is `sns.default.message`: the AWS-documented template
  // redefines it, and with no template it is Alertmanager's own default. The subject stays the project's.
  for (const receiver of config.receivers) for (const sns of receiver.sns_configs ?? []) delete sns.message;
  return stringify(loopbackConfig({ templateFiles, config }, snsUrl, dir));
}

export interface RunningAlertmanager {
  url: string;
  configPath: string;
  stop(): Promise<void>;
}

/** Starts Debian's Alertmanager with one template variant of the project's definition. */
export function startAlertmanager(variant: TemplateVariant, snsUrl: string): Promise<RunningAlertmanager> {
  return startAlertmanagerWith(variant, (dir) => alertmanagerConfig(variant, snsUrl, dir));
}

/**
 * Starts Debian's Alertmanager on loopback with clustering off and waits until it is ready. `configFor` gives
 * the configuration text, writing any template files it names into the instance's own directory.
 */
export async function startAlertmanagerWith(
  variant: string,
  configFor: (dir: string) => string,
): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), `am-${variant}-`));
  const configPath = join(dir, "alertmanager.yml");
  writeFileSync(configPath, configFor(dir));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    "prometheus-alertmanager",
    [
      `--config.file=${configPath}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitFor(
    async () =>
      child.exitCode !== null
        ? "exited"
        : (await fetch(`${url}/-/ready`)
              .then((r) => r.ok)
              .catch(() => false))
          ? "ready"
          : null,
    `Alertmanager (${variant}) to be ready`,
  ).then((state) => {
    if (state === "exited") throw new Error(`Alertmanager (${variant}) exited: ${stderr}`);
  });
  return {
    url,
    configPath,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An alert as `POST /api/v2/alerts` takes it. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

export async function postAlerts(am: RunningAlertmanager, alerts: PostableAlert[]): Promise<void> {
  const res = await fetch(`${am.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts),
  });
  if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
}

/** An alert as `GET /api/v2/alerts` returns it: what Alertmanager holds. */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  status: { state: string };
}

export async function heldAlerts(am: RunningAlertmanager): Promise<GettableAlert[]> {
  const res = await fetch(`${am.url}/api/v2/alerts?silenced=false&inhibited=false`);
  if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status}`);
  return (await res.json()) as GettableAlert[];
}

/**
 * Polls until `check` returns a value. The bound is generous and only there so a broken peer fails the test
 * instead of hanging it; nothing asserts how long anything took.
 */
export async function waitFor<T>(
  check: () => Promise<T | null> | T | null,
  what: string,
  boundMs = 60_000,
): Promise<T> {
  const giveUpAt = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
