import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { bundle, functionNames } from "../../scripts/build.ts";
import { importHandler, samBuild, samBuildDir } from "../support/bundles.ts";
import {
  entryPoint,
  environmentOf,
  loadTemplate,
  resolveEnvironment,
  serverlessFunctions,
} from "../support/infra-template.ts";

const template = loadTemplate();
const functions = serverlessFunctions(template);
const outDir = samBuildDir();

afterAll(() => {
  vi.unstubAllEnvs();
  outDir.remove();
});

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
      const file = await samBuild(id, outDir.path);
      const fn = functions.find((f) => f.logicalId === id);
      const env = resolveEnvironment(
        template,
        environmentOf(template, fn as (typeof functions)[number]),
        parameters,
      );
      expect(typeof (await importHandler(file, env))).toBe("function");
    },
  );
});

describe("the build's guard against esbuild issue 3245", () => {
  const dir = mkdtempSync(join(tmpdir(), "linklocal-split-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "client.cjs"), "exports.Client = class Client { hello() { return 'hi'; } };\n");
  writeFileSync(join(dir, "lazy-client.ts"), 'export { Client } from "./client.cjs";\n');

  it("refuses a split import() of a CommonJS module (it would expose only `default`)", async () => {
    writeFileSync(join(dir, "direct.ts"), 'export const load = () => import("./client.cjs");\n');
    await expect(
      bundle({ entryPoints: [join(dir, "direct.ts")], outdir: join(dir, "direct") }),
    ).rejects.toThrow(/import\(\) of CommonJS .*direct\.ts -> .*client\.cjs/);
  });

  it("builds one through an ESM re-export module, and the named export works split", async () => {
    writeFileSync(
      join(dir, "via.ts"),
      'export const hello = async () => new (await import("./lazy-client.ts")).Client().hello();\n',
    );
    await bundle({ entryPoints: [join(dir, "via.ts")], outdir: join(dir, "via") });
    const built = (await import(pathToFileURL(join(dir, "via/index.mjs")).href)) as {
      hello: () => Promise<string>;
    };
    await expect(built.hello()).resolves.toBe("hi");
  });
});

describe("source maps", () => {
  /** The stderr of a bundle that fails at load (notify-slack without a webhook), with or without the flag. */
  async function loadError(file: string, nodeOptions: string[]): Promise<string> {
    const result = await promisify(execFile)(process.execPath, [...nodeOptions, file], {
      env: { PATH: process.env.PATH ?? "", AWS_REGION: "eu-west-1" },
    }).catch((error: { stderr: string }) => error);
    return result.stderr;
  }

  it("ship with every bundle and are read only with --enable-source-maps (SourceMaps=on)", async () => {
    const file = await samBuild("NotifySlackFunction", outDir.path);
    const mapped = await loadError(file, ["--enable-source-maps"]);
    expect(mapped).toContain("SLACK_WEBHOOK_URL");
    expect(mapped).toMatch(/at readSecretSource \(.*shared\/secrets\/secret-source\.ts:\d+:\d+\)/);
    const plain = await loadError(file, []);
    expect(plain).toContain("SLACK_WEBHOOK_URL");
    expect(plain).not.toMatch(/\.ts:\d+/);
  });
});
