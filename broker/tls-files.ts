/**
 * Reads the TLS files: those of the external broker connection (MQTT_TLS_CA_CERT,
 * MQTT_TLS_CERTFILE, MQTT_TLS_KEYFILE) and the embedded broker's listener (MQTT_EMBEDDED_TLS_CERT,
 * MQTT_EMBEDDED_TLS_KEY). The only file system access of the MQTT layer, kept here so the rest of
 * broker/ stays web-standard. Read once at start-up; unreadable files fail the start loudly.
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

/**
 * Reads every file that has a path (undefined for those without). One error names each file that
 * cannot be read: a missing certificate and key are one fix, not two failed starts.
 */
export function readPemFiles(what: string, files: ReadonlyArray<readonly [label: string, path: string | undefined]>): (Uint8Array | undefined)[] {
  const problems: string[] = [];
  const out = files.map(([label, path]) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      problems.push(`${label} "${path}": ${(err as Error).message}`);
      return undefined;
    }
  });
  if (problems.length) throw new Error(`cannot read ${what} ${problems.join('; ')}`);
  return out;
}

export function readTlsFiles(files: TlsFiles): TlsMaterial {
  const [ca, cert, key] = readPemFiles('MQTT TLS', [
    ['CA certificate (MQTT_TLS_CA_CERT)', files.ca],
    ['certificate (MQTT_TLS_CERTFILE)', files.cert],
    ['key (MQTT_TLS_KEYFILE)', files.key],
  ]);
  const out: TlsMaterial = {};
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  return out;
}
