import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The throwaway test PKI in test/fixtures/tls (regenerate with test/fixtures/tls/generate.sh). */
export const tlsDir = fileURLToPath(new URL("../fixtures/tls/", import.meta.url));

const pem = (file: string) => readFileSync(`${tlsDir}${file}`, "utf8");

export const testPki = {
  ca: pem("ca.crt"),
  otherCa: pem("other-ca.crt"),
  serverCert: pem("server.crt"),
  serverKey: pem("server.key"),
  namedServerCert: pem("named-server.crt"),
  namedServerKey: pem("named-server.key"),
  clientCert: pem("client.crt"),
  clientKey: pem("client.key"),
};
