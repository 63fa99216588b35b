/**
 * Text from alerts may hold lone UTF-16 surrogates (a `\ud800` JSON escape). Every stage that hands text on
 * (the parser, SNS attributes, Slack, PagerDuty) makes it well-formed first.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Replaces lone UTF-16 surrogates (from a `\ud800` escape) with U+FFFD. Left in, they make
 * `encodeURIComponent` throw in the SDK's query serializer and corrupt JSON sent to Slack or PagerDuty.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}
