import { describe, expect, it } from "vitest";
import { groupMessageAttributes } from "../../shared/ingest/publish-group.ts";
import { Sink } from "../../shared/model/index.ts";
import { scaleReportAttributes } from "../../shared/scale/index.ts";
import { isObject, type JsonObject, loadTemplate, serverlessFunctions } from "../support/infra-template.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { scaleReportFixture } from "../support/scale-fixtures.ts";

const template = loadTemplate();

interface InternalSubscription {
  functionId: string;
  filterPolicy: JsonObject;
  scope: string;
}

/** The SNS events that subscribe a function to the internal topic. */
const subscriptions: InternalSubscription[] = serverlessFunctions(template).flatMap((fn) =>
  Object.values((fn.properties.Events ?? {}) as JsonObject)
    .filter((event) => isObject(event) && event.Type === "SNS")
    .map((event) => (event as JsonObject).Properties as JsonObject)
    .filter((props) => isObject(props.Topic) && props.Topic.Ref === "InternalTopic")
    .map((props) => ({
      functionId: fn.logicalId,
      filterPolicy: props.FilterPolicy as JsonObject,
      scope: String(props.FilterPolicyScope),
    })),
);

/**
 * SNS's rule for the policies used here: an exact-string list on an attribute matches when the attribute's
 * value (or, for a String.Array, any element of it) equals one of the strings.
 */
function matches(
  policy: JsonObject,
  attributes: Record<string, { DataType?: string; StringValue?: string }>,
) {
  return Object.entries(policy).every(([name, allowed]) => {
    const attribute = attributes[name];
    if (!attribute?.StringValue || !Array.isArray(allowed)) return false;
    const values =
      attribute.DataType === "String.Array"
        ? (JSON.parse(attribute.StringValue) as unknown[])
        : [attribute.StringValue];
    return values.some((value) => allowed.includes(value as string));
  });
}

function receivers(routes: Sink[]): string[] {
  const attributes = groupMessageAttributes(enrichedGroup({ routes }));
  return subscriptions
    .filter((s) => matches(s.filterPolicy, attributes))
    .map((s) => s.functionId)
    .sort();
}

describe("internal topic subscriptions", () => {
  it("subscribe each sink's function with a filter on the routes message attribute", () => {
    expect(subscriptions).toEqual([
      {
        functionId: "NotifySlackFunction",
        filterPolicy: { routes: [Sink.slack] },
        scope: "MessageAttributes",
      },
      {
        functionId: "NotifyPagerDutyFunction",
        filterPolicy: { routes: [Sink.pagerduty] },
        scope: "MessageAttributes",
      },
      {
        functionId: "ScaleCorednsFunction",
        filterPolicy: { routes: [Sink.corednsScale], status: ["firing"] },
        scope: "MessageAttributes",
      },
    ]);
  });

  it("deliver what ingest publishes to exactly the routed sinks", () => {
    expect(receivers([Sink.slack])).toEqual(["NotifySlackFunction"]);
    expect(receivers([Sink.pagerduty])).toEqual(["NotifyPagerDutyFunction"]);
    expect(receivers([Sink.pagerduty, Sink.slack])).toEqual([
      "NotifyPagerDutyFunction",
      "NotifySlackFunction",
    ]);
    expect(receivers([])).toEqual([]);
  });

  it("send firing groups routed to coredns-scale to the scaler, and never a resolved one", () => {
    expect(receivers([Sink.corednsScale])).toEqual(["ScaleCorednsFunction"]);
    expect(receivers([Sink.corednsScale, Sink.slack])).toEqual([
      "NotifySlackFunction",
      "ScaleCorednsFunction",
    ]);
    const resolved = groupMessageAttributes(
      enrichedGroup({ routes: [Sink.corednsScale], status: "resolved" }),
    );
    expect(subscriptions.filter((s) => matches(s.filterPolicy, resolved))).toEqual([]);
    const everySink = Object.values(Sink);
    for (const s of subscriptions)
      for (const value of s.filterPolicy.routes as string[]) expect(everySink).toContain(value);
  });

  it("send scale reports to the notifiers they name and never back to the scaler", () => {
    const slackOnly = scaleReportAttributes(scaleReportFixture({ routes: [Sink.slack] }));
    const both = scaleReportAttributes(scaleReportFixture({ routes: [Sink.slack, Sink.pagerduty] }));
    const to = (attributes: typeof slackOnly) =>
      subscriptions
        .filter((s) => matches(s.filterPolicy, attributes))
        .map((s) => s.functionId)
        .sort();
    expect(to(slackOnly)).toEqual(["NotifySlackFunction"]);
    expect(to(both)).toEqual(["NotifyPagerDutyFunction", "NotifySlackFunction"]);
  });

  it("subscribe the ingest function, unfiltered, to the AMP topic only", () => {
    const ingestEvents = Object.values(
      (serverlessFunctions(template).find((f) => f.logicalId === "IngestFunction")?.properties.Events ??
        {}) as JsonObject,
    ) as JsonObject[];
    expect(ingestEvents).toHaveLength(1);
    const properties = (ingestEvents[0] as JsonObject).Properties as JsonObject;
    expect(properties.FilterPolicy).toBeUndefined();
  });
});
