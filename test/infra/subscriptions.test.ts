import { describe, expect, it } from "vitest";
import { followUpAttributes } from "../../shared/ingest/publish-follow-up.ts";
import { groupMessageAttributes } from "../../shared/ingest/publish-group.ts";
import { Sink } from "../../shared/model/index.ts";
import { isObject, type JsonObject, loadTemplate, serverlessFunctions } from "../support/infra-template.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { scaleReportFixture, verificationFixture } from "../support/scale-fixtures.ts";

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
 * value (or, for a String.Array, any element of it) equals one of the strings; `{"exists": false}` matches an
 * absent attribute, `{"exists": true}` a present one; `$or` holds when one of its policies does; every key
 * of a policy must hold.
 */
function matches(
  policy: JsonObject,
  attributes: Record<string, { DataType?: string; StringValue?: string }>,
): boolean {
  return Object.entries(policy).every(([name, allowed]) => {
    if (name === "$or") return (allowed as JsonObject[]).some((branch) => matches(branch, attributes));
    if (!Array.isArray(allowed)) return false;
    const attribute = attributes[name];
    if (!attribute?.StringValue) return allowed.some((a) => isObject(a) && a.exists === false);
    const values =
      attribute.DataType === "String.Array"
        ? (JSON.parse(attribute.StringValue) as unknown[])
        : [attribute.StringValue];
    return values.some((value) => allowed.some((a) => (isObject(a) ? a.exists === true : a === value)));
  });
}

/** The verify queue's subscription: firing drop groups and scale reports, delayed for the check in AMP. */
const verifySubscription = template.Resources.VerifySubscription?.Properties as JsonObject;

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
    const slackOnly = followUpAttributes(scaleReportFixture({ routes: [Sink.slack] }));
    const both = followUpAttributes(scaleReportFixture({ routes: [Sink.slack, Sink.pagerduty] }));
    const to = (attributes: typeof slackOnly) =>
      subscriptions
        .filter((s) => matches(s.filterPolicy, attributes))
        .map((s) => s.functionId)
        .sort();
    expect(to(slackOnly)).toEqual(["NotifySlackFunction"]);
    expect(to(both)).toEqual(["NotifyPagerDutyFunction", "NotifySlackFunction"]);
  });

  it("send firing drop groups and scale reports to the verify queue, never a resolved group, a headroom warning or a verification", () => {
    expect(verifySubscription).toMatchObject({
      TopicArn: { Ref: "InternalTopic" },
      Protocol: "sqs",
      // The body is the message itself: no envelope to push a 256 KiB group past SQS's limit.
      RawMessageDelivery: true,
      FilterPolicyScope: "MessageAttributes",
      // What SNS cannot deliver is parked and alarmed on, not lost.
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": ["VerifyDeadLetterQueue", "Arn"] } },
    });
    const policy = verifySubscription.FilterPolicy as JsonObject;
    const toVerify = (attributes: Parameters<typeof matches>[1]) => matches(policy, attributes);
    expect(toVerify(groupMessageAttributes(enrichedGroup({ routes: [Sink.slack] })))).toBe(true);
    expect(
      toVerify(groupMessageAttributes(enrichedGroup({ routes: [Sink.pagerduty, Sink.corednsScale] }))),
    ).toBe(true);
    expect(
      toVerify(groupMessageAttributes(enrichedGroup({ routes: [Sink.slack], status: "resolved" }))),
    ).toBe(false);
    const headroom = enrichedGroup({ routes: [Sink.slack] });
    expect(
      toVerify(groupMessageAttributes({ ...headroom, alertname: "LinkLocalAllowanceHeadroomLow" })),
    ).toBe(false);
    expect(toVerify(followUpAttributes(scaleReportFixture()))).toBe(true);
    expect(toVerify(followUpAttributes(scaleReportFixture({ action: "refused" })))).toBe(true);
    expect(
      toVerify(followUpAttributes(scaleReportFixture({ alertname: "LinkLocalAllowanceHeadroomLow" }))),
    ).toBe(false);
    const verification = verificationFixture();
    expect(toVerify(followUpAttributes(verification))).toBe(false);
    // A verification reaches the notifiers it names, and no scaler.
    expect(
      subscriptions
        .filter((sub) =>
          matches(
            sub.filterPolicy,
            followUpAttributes({ ...verification, routes: [Sink.slack, Sink.pagerduty] }),
          ),
        )
        .map((sub) => sub.functionId)
        .sort(),
    ).toEqual(["NotifyPagerDutyFunction", "NotifySlackFunction"]);
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
