import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { functionNames } from "../../scripts/build.ts";
import {
  entryPoint,
  environmentOf,
  type JsonObject,
  loadTemplate,
  repoRoot,
  resolveEnvironment,
  serverlessFunctions,
} from "../support/infra-template.ts";

const template = loadTemplate();
const functions = serverlessFunctions(template);
const outDir = mkdtempSync(join(tmpdir(), "linklocal-sam-build-"));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** `sam build`'s esbuild step for one function, from the template's BuildProperties. */
async function samEsbuild(logicalId: string): Promise<string> {
  const fn = functions.find((f) => f.logicalId === logicalId);
  if (!fn) throw new Error(`no ${logicalId}`);
  const props = fn.metadata.BuildProperties as JsonObject;
  const [fromExt = "", toExt = ""] = String((props.OutExtension as string[])[0]).split("=");
  const banner = String((props.Banner as string[])[0]).replace(/^js=/, "");
  const outdir = join(outDir, logicalId);
  await build({
    entryPoints: [join(repoRoot, entryPoint(fn))],
    bundle: true,
    outdir,
    platform: String(props.Platform ?? "node") as "node",
    format: String(props.Format) as "esm",
    target: String(props.Target),
    minify: props.Minify === true,
    sourcemap: props.Sourcemap === true,
    outExtension: { [fromExt]: toExt },
    banner: { js: banner },
    logLevel: "silent",
  });
  return join(outdir, `index${toExt}`);
}

/** Imports a bundle with the environment Lambda would give it (template variables plus Lambda's own). */
async function importWithEnvironment(
  file: string,
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  const saved = { ...process.env };
  Object.assign(process.env, env, { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-1" });
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe("bundles for the template's functions", () => {
  it("are the functions npm run build bundles, one template function per functions/ folder", () => {
    const fromTemplate = functions.map((f) => entryPoint(f).replace(/^functions\/([^/]+)\/index\.ts$/, "$1"));
    expect([...fromTemplate].sort()).toEqual([...functionNames].sort());
  });

  it.each([
    ["IngestFunction", { EksClusterName: "prod-eu-1" }],
    [
      "NotifySlackFunction",
      { SlackWebhookSecret: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf" },
    ],
    ["NotifyPagerDutyFunction", { PagerDutyRoutingKeySecret: "/linklocal-sentinel/pagerduty-routing-key" }],
  ])(
    "%s: builds with the template's esbuild settings and starts with the template's environment",
    async (id, parameters) => {
      const file = await samEsbuild(id);
      const fn = functions.find((f) => f.logicalId === id);
      const env = resolveEnvironment(
        template,
        environmentOf(template, fn as (typeof functions)[number]),
        parameters,
      );
      const module = await importWithEnvironment(file, env);
      expect(typeof module.handler).toBe("function");
    },
  );
});
