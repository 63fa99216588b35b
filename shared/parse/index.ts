export type { AmpMessage } from "./amp-message.ts";
export { isTruncatedByAmp } from "./amp-message.ts";
export {
  type ParseError,
  ParseErrorCode,
  type ParseOptions,
  type ParseResult,
  parseAmpMessage,
} from "./parse-message.ts";
