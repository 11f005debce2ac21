/** The inspector asks for a restored client whose actor is not created yet: the supervisor creates it. */
export const CLIENT_PREFIX = 'client:';

export function clientResolver(supervisor: { snapshot(uuid: string): unknown }): (id: string) => void {
  return (id) => {
    if (id.startsWith(CLIENT_PREFIX)) supervisor.snapshot(id.slice(CLIENT_PREFIX.length));
  };
}
