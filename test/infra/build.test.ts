import { afterAll, describe, expect, it } from "vitest";
import { functionNames } from "../../scripts/build.ts";
import { importWithEnvironment, samBuild, samBuildDir } from "../support/bundles.ts";
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

afterAll(() => outDir.remove());

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
      const module = await importWithEnvironment(file, env);
      expect(typeof module.handler).toBe("function");
    },
  );
});
