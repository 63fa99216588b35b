import { parseAmpMessage } from "../shared/parse/index.ts";
import {
  linkLocalGroup,
  renderAwsJsonTemplate,
  renderDefaultText,
  renderWebhookV4,
  truncateLikeAmp,
} from "../sim/alertmanager-messages.ts";
import { measure, printTable } from "./measure.ts";

const options = { clusterLabel: "cluster" };
const message = (body: string, attributes: Record<string, string> = {}) => ({
  messageId: "bench",
  body,
  subject: null,
  attributes,
  topicArn: null,
  timestamp: null,
});

/** Parse throughput for a 300-alert group in every format, beside native JSON.parse of the same bytes. */
export async function run(): Promise<void> {
  const group = linkLocalGroup({ count: 300 });
  const webhook = renderWebhookV4(group);
  const template = renderAwsJsonTemplate(group);
  // A newline in one value forces the lenient reader, the slow path real templates hit.
  const hostile = linkLocalGroup({ count: 300 });
  hostile.alerts[0]!.annotations.description = 'line one\nline "two"';
  const lenient = renderAwsJsonTemplate(hostile);
  const text = renderDefaultText(group);
  const truncated = truncateLikeAmp(renderAwsJsonTemplate(linkLocalGroup({ count: 1500 })));

  const rows = [
    measure("baseline: JSON.parse (webhook v4)", webhook, () => JSON.parse(webhook)),
    measure("webhook v4 JSON", webhook, () => parseAmpMessage(message(webhook), options)),
    measure("AWS JSON template (strict path)", template, () => parseAmpMessage(message(template), options)),
    measure("AWS JSON template (lenient path)", lenient, () => parseAmpMessage(message(lenient), options)),
    measure("default text template", text, () => parseAmpMessage(message(text), options)),
    measure("truncated 256 KB JSON", truncated.body, () =>
      parseAmpMessage(message(truncated.body, truncated.attributes), options),
    ),
  ];
  printTable("Parse: 300-alert group (1500 for the truncated body)", rows);
}
