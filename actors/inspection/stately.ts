/**
 * Optional bridge to Stately's inspector (docs/inspector.md "The contract": `INSPECT=stately`). Off by
 * default and never required: `@statelyai/inspect` is an optional dependency, loaded here with a
 * dynamic import only when enabled. It starts the package's local relay (a small HTTP + WebSocket
 * server that embeds stately.ai/inspect in a browser tab) and forwards every inspection event to
 * it. Development only: the relay listens on all interfaces of its port and shows actor contexts.
 */
import type { InspectionEvent } from 'xstate';

/** Relay port (our dashboard defaults to 8080, the package's own default). */
export const STATELY_RELAY_PORT = 8091;

export interface StatelyBridge {
  inspect(event: InspectionEvent): void;
  url: string;
  stop(): void;
}

interface InspectModule {
  createWebSocketInspector(o: { url: string }): { inspect: { next?: (e: InspectionEvent) => void }; stop(): void };
}
interface ServerModule {
  createInspectorServer(o: { port: number; autoOpen: boolean }): { stop(): void };
}

export async function startStatelyBridge(port = STATELY_RELAY_PORT): Promise<StatelyBridge> {
  // Specifiers in variables: the type checker and bundlers must not require the optional package.
  const pkg = '@statelyai/inspect';
  const serverPkg = '@statelyai/inspect/server';
  let mod: InspectModule;
  let serverMod: ServerModule;
  try {
    [mod, serverMod] = (await Promise.all([import(pkg), import(serverPkg)])) as [InspectModule, ServerModule];
  } catch (err) {
    throw new Error(`INSPECT=stately needs the optional package @statelyai/inspect (npm install it): ${String(err)}`);
  }
  const server = serverMod.createInspectorServer({ port, autoOpen: false });
  const inspector = mod.createWebSocketInspector({ url: `ws://localhost:${port}` });
  return {
    inspect: (e) => inspector.inspect.next?.(e),
    url: `http://localhost:${port}`,
    stop() {
      inspector.stop();
      server.stop();
    },
  };
}
