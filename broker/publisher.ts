/**
 * The outbound side of MQTT as the domain sees it. `publish` resolves once the broker has
 * confirmed a QoS 1 publish (PUBACK) and rejects on failure; implemented by broker/connection.ts.
 */
export interface PublishOptions {
  qos: 0 | 1;
  retain: boolean;
}

export interface Publisher {
  publish(topic: string, payload: string | Uint8Array, opts: PublishOptions): Promise<void>;
  readonly connected: boolean;
}
