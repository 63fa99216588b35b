import { describe, expect, it } from "vitest";
import { LenientJsonError, parseLenientJson } from "../../shared/parse/lenient-json.ts";

describe("parseLenientJson", () => {
  it("reads raw newlines and tabs inside strings", () => {
    expect(parseLenientJson('{"a": "x\ny\tz"}').value).toEqual({ a: "x\ny\tz" });
  });

  it("reads an unescaped quote followed by text as part of the value", () => {
    expect(parseLenientJson('{"a": "say "hi" now", "b": "c"}').value).toEqual({ a: 'say "hi" now', b: "c" });
  });

  it("reads \\' as a quote and keeps other unknown escapes verbatim", () => {
    expect(parseLenientJson(String.raw`{"a": "it\'s C:\data"}`).value).toEqual({ a: "it's C:\\data" });
  });

  it("keeps complete elements of a cut array and drops the partial one", () => {
    const result = parseLenientJson('{"alerts": [{"n": 1}, {"n": 2}, {"n": 3, "labels": {"x": "y');
    expect(result.complete).toBe(false);
    expect(result.value).toEqual({ alerts: [{ n: 1 }, { n: 2 }] });
  });

  it("drops a number that may have been cut", () => {
    expect(parseLenientJson('{"a": [1, 2, 3').value).toEqual({ a: [1, 2] });
  });

  it("reports where a document is broken beyond repair", () => {
    expect(() => parseLenientJson('{"a": 1 "b": 2}')).toThrow(LenientJsonError);
    expect(() => parseLenientJson('{"a": 1 "b": 2}')).toThrow(
      /expected "," or "}" after member "a" at offset 8/,
    );
    expect(() => parseLenientJson("")).toThrow(/empty document/);
  });

  it("refuses nesting that would exhaust the stack", () => {
    expect(() => parseLenientJson(`${"[".repeat(100)}${"]".repeat(100)}`)).toThrow(/nesting deeper/);
  });
});

describe("parseLenientJson with raw backslashes", () => {
  it("reads a value ending in a raw backslash, which swallows its closing quote", () => {
    expect(parseLenientJson('{"a": "C:\\", "b": "x"}').value).toEqual({ a: "C:\\", b: "x" });
  });
});
