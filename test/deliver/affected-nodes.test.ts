import { describe, expect, it } from "vitest";
import {
  affectedNodes,
  earliestStart,
  formatDropRate,
  groupSeverity,
} from "../../shared/deliver/affected-nodes.ts";
import { makeAlert, makeGroup, nodeName } from "../support/deliver-fixtures.ts";

describe("affectedNodes", () => {
  it("lists firing before resolved, CoreDNS hosts first, then worst drop rate, then name", () => {
    const alerts = [
      makeAlert(2, { annotations: { value: "5" } }),
      makeAlert(3, { annotations: { value: "50" } }),
      makeAlert(4, { status: "resolved", annotations: { value: "999" } }),
      makeAlert(0, { annotations: { value: "1" } }),
      makeAlert(5, { annotations: {} }),
    ];
    const rows = affectedNodes(makeGroup({ alerts }));
    expect(rows.map((row) => row.name)).toEqual([
      nodeName(0),
      nodeName(3),
      nodeName(2),
      nodeName(5),
      nodeName(4),
    ]);
    expect(rows.map((row) => row.firing)).toEqual([true, true, true, true, false]);
  });

  it("uses the instance label, then the fingerprint, when an alert has no node", () => {
    const alerts = [
      makeAlert(0, { node: null, annotations: {} }),
      makeAlert(1, {
        node: null,
        annotations: {},
        labels: { alertname: "X" },
        fingerprint: "abcdef0123456789",
      }),
    ];
    const rows = affectedNodes(makeGroup({ alerts }));
    expect(rows.map((row) => [row.name, row.matched])).toEqual([
      ["10.0.0.1:9100", false],
      ["abcdef0123456789", false],
    ]);
  });

  it("reads the drop rate from the value annotation, else the value label", () => {
    const alerts = [makeAlert(7, { annotations: {}, labels: { value: "3.25e+03" } })];
    const [row] = affectedNodes(makeGroup({ alerts }));
    expect(row?.dropRateNumber).toBe(3250);
    expect(row && formatDropRate(row)).toBe("3,250");
    expect(formatDropRate({ dropRate: "n/a", dropRateNumber: null })).toBe("n/a");
  });
});

describe("group helpers", () => {
  it("finds the severity and the earliest start", () => {
    const alerts = [
      makeAlert(0, { startsAt: "2026-11-23T08:05:00Z" }),
      makeAlert(1, { startsAt: "2026-11-23T07:59:00Z" }),
    ];
    const group = makeGroup({ alerts, commonLabels: {} });
    expect(groupSeverity(group)).toBe("critical");
    expect(earliestStart(group)).toBe("2026-11-23T07:59:00Z");
    expect(earliestStart(makeGroup({ alerts: [] }))).toBeNull();
  });
});
