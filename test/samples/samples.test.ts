import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ampMessagesFromFile, ampMessagesFromLambdaEvent } from "../../shared/ingest/index.ts";
import { parseAmpMessage } from "../../shared/parse/index.ts";
import { sampleFiles } from "../../scripts/make-samples.ts";

const samples = Object.entries(sampleFiles());

describe("bundled samples", () => {
  it.each(samples)("samples/%s is what scripts/make-samples.ts generates", (name, content) => {
    const committed = JSON.parse(readFileSync(new URL(`../../samples/${name}`, import.meta.url), "utf8"));
    expect(committed).toEqual(content);
  });

  it.each(samples.filter(([, c]) => typeof c === "object" && c !== null && "Records" in c))(
    "samples/%s is a valid SNS Lambda event",
    (_name, content) => {
      expect(ampMessagesFromLambdaEvent(content).length).toBe(1);
    },
  );

  it("reads the expected format from each sample", () => {
    const formats = samples.map(([name, content]) => {
      const [message] = ampMessagesFromFile(JSON.stringify(content), name).messages;
      const result = parseAmpMessage(message!, { clusterLabel: "cluster" });
      return [name, result.ok ? result.group.source.format : result.error.code];
    });
    expect(Object.fromEntries(formats)).toEqual({
      "aws-json-template.json": "aws-json-template",
      "default-text.json": "default-text",
      "fleet-two-clusters.json": "aws-json-template",
      "key-value.json": "key-value",
      "webhook-resolved.json": "webhook-json",
      "unreadable.json": "replaced-body",
    });
  });
});
