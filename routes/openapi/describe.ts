/**
 * Route metadata for the OpenAPI document (docs/http.md "OpenAPI"): `apiDoc(tag)` gives one describer
 * per resource; a route names its summary and its JSON answers with one `describeRoute` middleware
 * (hono-openapi). What the route checks is not repeated here: request schemas come from validate()
 * (routes/validate.ts) and the least role from requireRole() (routes/middleware/roles.ts).
 */
import { describeRoute, resolver } from 'hono-openapi';
import type { z } from 'zod';
import type { Role } from '../../domain/users.ts';

/** A JSON answer's schema, or just its description (a file, a stream, or a shape not modelled). */
export type Answer = z.ZodType | string;

export interface RouteDoc {
  description?: string;
  /** Answers by status besides the main one (e.g. 409 with a body). */
  also?: Record<number, Answer>;
  /** A request body the handler parses itself (validate() documents its own). */
  body?: { schema: z.ZodType; required: boolean } | { type: string; description: string };
  /** Anyone may call it, signed in or not (everything else needs a session or a token). */
  public?: true;
  /** The least role, for a handler that checks it itself instead of requireRole(). */
  role?: Role;
}

/** Response schemas describe what we send: zod's output side, unknown keys refused. */
const answerSchema = (s: z.ZodType) => resolver(s, { options: { io: 'output' } });

function response(a: Answer) {
  if (typeof a === 'string') return { description: a };
  return { description: a.description ?? 'OK', content: { 'application/json': { schema: answerSchema(a) } } };
}

function requestBody(b: NonNullable<RouteDoc['body']>) {
  if ('schema' in b) return { required: b.required, content: { 'application/json': { schema: resolver(b.schema) } } };
  return { required: true, description: b.description, content: { [b.type]: { schema: { type: 'string' as const, format: 'binary' } } } };
}

/**
 * `doc(summary, answer, more)`: `answer` is the main answer (status `status`, 200 unless said).
 * Example: `app.get('/', doc('List the clients', ClientList), user, handler)`.
 */
export function apiDoc(tag: string) {
  return (summary: string, answer: Answer = 'OK', more: RouteDoc & { status?: number } = {}) => {
    const responses: Record<string, ReturnType<typeof response>> = { [more.status ?? 200]: response(answer) };
    for (const [status, a] of Object.entries(more.also ?? {})) responses[status] = response(a);
    return describeRoute({
      tags: [tag],
      summary,
      ...(more.description ? { description: more.description } : {}),
      ...(more.body ? { requestBody: requestBody(more.body) } : {}),
      ...(more.public ? { 'x-public': true } : {}),
      ...(more.role ? { 'x-min-role': more.role } : {}),
      // hono-openapi resolves resolver() objects in responses; its types only name plain schemas.
      responses: responses as never,
    });
  };
}
