import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One Powertools logger for the process. Handlers set the SNS MessageId as correlation id so every line of
 * one alert group can be found together. Values that may hold secrets are never passed to it.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "linklocal-sentinel",
});
