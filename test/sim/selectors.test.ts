import { describe, expect, it } from "vitest";
import { matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from "../../sim/selectors.ts";

describe("label selector parsing", () => {
  it("parses every operator", () => {
    expect(parseLabelSelector("a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g")).toEqual([
      { op: "=", key: "a", value: "1" },
      { op: "=", key: "b", value: "2" },
      { op: "!=", key: "c", value: "3" },
      { op: "in", key: "d", values: ["x", "y"] },
      { op: "notin", key: "e", values: ["z"] },
      { op: "exists", key: "f" },
      { op: "!exists", key: "g" },
    ]);
  });

  it("matches as the API server does (!= and notin also match a missing key)", () => {
    const labels = { app: "web", tier: "front" };
    expect(matchesLabels(parseLabelSelector("app=web,tier"), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector("missing!=x"), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector("missing notin (x)"), labels)).toBe(true);
    expect(matchesLabels(parseLabelSelector("missing in (x)"), labels)).toBe(false);
    expect(matchesLabels(parseLabelSelector("!app"), labels)).toBe(false);
    expect(matchesLabels(parseLabelSelector(""), labels)).toBe(true);
  });

  it("rejects malformed selectors", () => {
    expect(() => parseLabelSelector("a in ()")).toThrow(SelectorError);
    expect(() => parseLabelSelector("a b")).toThrow(SelectorError);
    expect(() => parseLabelSelector("-bad=1")).toThrow(SelectorError);
  });

  it("parses field selectors against the supported set", () => {
    expect(
      parseFieldSelector("spec.nodeName=n1,status.phase!=Failed", ["spec.nodeName", "status.phase"]),
    ).toEqual([
      { field: "spec.nodeName", op: "=", value: "n1" },
      { field: "status.phase", op: "!=", value: "Failed" },
    ]);
    expect(() => parseFieldSelector("spec.foo=1", ["spec.nodeName"])).toThrow(
      "field label not supported: spec.foo",
    );
  });
});
