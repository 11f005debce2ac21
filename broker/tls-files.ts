/**
 * Reads the TLS files for the external broker connection (MQTT_TLS_CA_CERT, MQTT_TLS_CERTFILE,
 * MQTT_TLS_KEYFILE): the only file system access of the MQTT layer, kept here so the rest of
 * broker/ stays web-standard. Read once at start-up; a missing file fails the start loudly.
 */
import { readFileSync } from 'node:fs';

export interface TlsFiles {
  ca?: string; // path to the CA certificate (PEM)
  cert?: string; // path to the client certificate (PEM), for mutual TLS
  key?: string; // path to the client key (PEM)
}

export interface TlsMaterial {
  ca?: Uint8Array;
  cert?: Uint8Array;
  key?: Uint8Array;
}

export function readTlsFiles(files: TlsFiles): TlsMaterial {
  const read = (what: string, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read MQTT TLS ${what} "${path}": ${(err as Error).message}`);
    }
  };
  const out: TlsMaterial = {};
  const ca = read('CA certificate', files.ca);
  const cert = read('certificate', files.cert);
  const key = read('key', files.key);
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  return out;
}
