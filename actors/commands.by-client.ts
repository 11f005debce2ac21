/** The command registry's per-client index of live command ids: a client sighting costs that client's commands, not all. */
export class LiveCommandsByClient {
  #ids = new Map<string, Set<string>>(); // uuid → its live command ids

  /** Clients with at least one live command. */
  get size(): number {
    return this.#ids.size;
  }

  ids(uuid: string): Set<string> | undefined {
    return this.#ids.get(uuid);
  }

  add(uuid: string, commandId: string): void {
    const ids = this.#ids.get(uuid);
    if (ids) ids.add(commandId);
    else this.#ids.set(uuid, new Set([commandId]));
  }

  delete(uuid: string, commandId: string): void {
    const ids = this.#ids.get(uuid);
    if (ids?.delete(commandId) && ids.size === 0) this.#ids.delete(uuid);
  }

  clear(): void {
    this.#ids.clear();
  }
}
