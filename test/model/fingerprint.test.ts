import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { labelFingerprint } from "../../shared/model/index.ts";

/** The textbook FNV-1a 64 over the same bytes, with BigInt: the oracle for the limb arithmetic. */
function referenceFingerprint(labels: Record<string, string>): string {
  let hash = 0xcbf29ce484222325n;
  const add = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const byte of Buffer.from(name, "utf8")) add(byte);
    add(0xff);
    for (const byte of Buffer.from(labels[name] ?? "", "utf8")) add(byte);
    add(0xff);
  }
  return hash.toString(16).padStart(16, "0");
}

describe("labelFingerprint", () => {
  it("is the FNV-1a 64 offset basis for the empty label set, as in Prometheus", () => {
    expect(labelFingerprint({})).toBe("cbf29ce484222325");
  });

  it("ignores label order and changes with any value", () => {
    const a = labelFingerprint({ alertname: "LinkLocalAllowanceExceeded", instance: "10.0.1.23:9100" });
    expect(labelFingerprint({ instance: "10.0.1.23:9100", alertname: "LinkLocalAllowanceExceeded" })).toBe(a);
    expect(
      labelFingerprint({ alertname: "LinkLocalAllowanceExceeded", instance: "10.0.1.24:9100" }),
    ).not.toBe(a);
  });

  it("matches the reference FNV-1a 64 for any labels", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 30 })),
        (labels) => {
          expect(labelFingerprint(labels)).toBe(referenceFingerprint(labels));
        },
      ),
      { numRuns: 500 },
    );
  });
});
