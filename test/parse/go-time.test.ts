import { describe, expect, it } from "vitest";
import { normaliseAlertTime } from "../../shared/parse/go-time.ts";

describe("normaliseAlertTime", () => {
  it.each([
    ["2026-11-23 02:58:00.123456789 +0000 UTC", "2026-11-23T02:58:00.123Z"],
    ["2026-11-23 02:58:00 +0000 UTC", "2026-11-23T02:58:00.000Z"],
    ["2026-11-23 04:58:00.5 +0200 EET", "2026-11-23T02:58:00.500Z"],
    ["2026-11-22 21:58:00 -0500 EST", "2026-11-23T02:58:00.000Z"],
    ["2026-11-23 02:58:00.1 +0000 UTC m=+3.000000001", "2026-11-23T02:58:00.100Z"],
    ["2026-11-23T02:58:00.123456789Z", "2026-11-23T02:58:00.123Z"],
    ["2026-11-23T04:58:00+02:00", "2026-11-23T02:58:00.000Z"],
  ])("reads %s", (input, expected) => {
    expect(normaliseAlertTime(input)).toEqual({ ok: true, value: expected });
  });

  it.each(["0001-01-01 00:00:00 +0000 UTC", "0001-01-01T00:00:00Z", "", null])(
    "maps the zero or empty time %j to null",
    (input) => {
      expect(normaliseAlertTime(input)).toEqual({ ok: true, value: null });
    },
  );

  it.each([
    "yesterday",
    "2026-13-01 00:00:00 +0000 UTC",
    "2026-02-30T00:00:00Z",
    "2026-11-23 25:00:00 +0000 UTC",
  ])("rejects %s with a reason", (input) => {
    const result = normaliseAlertTime(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/time|date/);
  });
});
