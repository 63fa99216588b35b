import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseScaleStep, readScaleConfig } from "../../shared/scale/config.ts";
import { ConfigEditError, setWholeNumber } from "../../shared/scale/config-values.ts";

describe("setWholeNumber on add-on configuration values", () => {
  it.each([
    [
      '{"autoScaling":{"enabled":true,"minReplicas":2,"maxReplicas":10},"tolerations":[]}',
      ["autoScaling", "minReplicas"],
      '{"autoScaling":{"enabled":true,"minReplicas":3,"maxReplicas":10},"tolerations":[]}',
    ],
    [
      '{"autoScaling":{"enabled":true}}',
      ["autoScaling", "minReplicas"],
      '{"autoScaling":{"enabled":true,"minReplicas":3}}',
    ],
    [
      '{ "resources": { "limits": { "memory": "170Mi" } } }',
      ["replicaCount"],
      '{ "resources": { "limits": { "memory": "170Mi" } }, "replicaCount": 3 }',
    ],
    [
      "autoScaling:\n  enabled: true\n  minReplicas: 2 # floor\nresources:\n  limits: {memory: 170Mi}\n",
      ["autoScaling", "maxReplicas"],
      "autoScaling:\n  enabled: true\n  minReplicas: 2 # floor\n  maxReplicas: 3\nresources:\n  limits: {memory: 170Mi}\n",
    ],
    [
      "# keep\nresources:\n  limits:\n    memory: 170Mi\n",
      ["replicaCount"],
      "# keep\nresources:\n  limits:\n    memory: 170Mi\nreplicaCount: 3\n",
    ],
    [null, ["replicaCount"], '{"replicaCount":3}'],
  ])("edits %j in place", (text, path, expected) => {
    expect(setWholeNumber(text, path, 3)).toBe(expected);
  });

  it("refuses what it cannot edit without touching other values, naming why", () => {
    expect(() => setWholeNumber("[1, 2]", ["replicaCount"], 3)).toThrow(ConfigEditError);
    expect(() => setWholeNumber("{bad", ["replicaCount"], 3)).toThrow(/do not parse/);
    expect(() =>
      setWholeNumber('{"autoScaling":{"minReplicas":{"a":1}}}', ["autoScaling", "minReplicas"], 3),
    ).toThrow(/holds a map, not a number/);
  });

  it("changes only the number's bytes in any JSON configuration (property)", () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const others = fc.dictionary(
      fc.string({ minLength: 1 }).filter((k) => k !== "autoScaling"),
      fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.dictionary(fc.string(), value, { maxKeys: 3 })),
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(
        others,
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 99 }),
        fc.constantFrom(0, 2),
        (rest, min, to, indent) => {
          const text = JSON.stringify(
            { ...rest, autoScaling: { enabled: true, minReplicas: min, maxReplicas: 100 } },
            null,
            indent,
          );
          const edited = setWholeNumber(text, ["autoScaling", "minReplicas"], to);
          const at = text.search(/"minReplicas":\s*/) + (text.match(/"minReplicas":\s*/)?.[0].length ?? 0);
          expect(edited.slice(0, at)).toBe(text.slice(0, at));
          expect(edited.slice(at + String(to).length)).toBe(text.slice(at + String(min).length));
          expect(parse(edited).autoScaling.minReplicas).toBe(to);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("scale configuration", () => {
  it("reads the documented defaults", () => {
    expect(readScaleConfig({})).toEqual({
      mode: "off",
      maxReplicas: 10,
      cooldownSeconds: 900,
      step: { kind: "add", replicas: 1 },
      readyWaitMs: 60_000,
      addonUpdateWaitMs: 120_000,
    });
  });

  it.each([
    [{ COREDNS_SCALE_MODE: "yes" }, /COREDNS_SCALE_MODE must be one of off, dry-run, on; got "yes"/],
    [{ COREDNS_MAX_REPLICAS: "0" }, /COREDNS_MAX_REPLICAS must be >= 1/],
    [{ COREDNS_SCALE_COOLDOWN_SECONDS: "soon" }, /COREDNS_SCALE_COOLDOWN_SECONDS must be a whole number/],
    [{ COREDNS_SCALE_STEP: "x1" }, /COREDNS_SCALE_STEP must be \+N .* or xF .*got "x1"/],
    [{ COREDNS_SCALE_STEP: "+0" }, /COREDNS_SCALE_STEP/],
  ])("names the variable of a bad value (%j)", (env, message) => {
    expect(() => readScaleConfig(env)).toThrow(message);
  });

  it("parses steps as added replicas or a factor", () => {
    expect(parseScaleStep("+2")).toEqual({ kind: "add", replicas: 2 });
    expect(parseScaleStep("x1.5")).toEqual({ kind: "multiply", factor: 1.5 });
  });
});
