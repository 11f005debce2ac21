/**
 * One id per HTTP request (docs/operations.md "Logs"): Hono's `requestId` takes a sane incoming
 * `X-Request-Id` or makes one, echoes it in the response, and the whole request runs inside
 * `withRequestId`, so every log line it causes, in any module, carries `reqId`. Then one line per
 * request: method, path (never the query: it may carry a token), status, milliseconds; at `debug`
 * for successful reads (the dashboard polls), at `info` for everything else.
 */
import type { MiddlewareHandler } from 'hono';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { withRequestId } from '../../lib/log-context.ts';
import { logger } from '../../lib/logger.ts';

const log = logger('http');
const MAX_ID = 128; // longer incoming ids are replaced, not trusted

export function requestLog(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  const assignId = requestId({ limitLength: MAX_ID });
  return (c, next) =>
    assignId(c, () =>
      withRequestId(c.var.requestId, async () => {
        const started = performance.now();
        await next();
        const status = c.res.status;
        const line = `${c.req.method} ${c.req.path} ${status} ${(performance.now() - started).toFixed(1)} ms`;
        const read = c.req.method === 'GET' || c.req.method === 'HEAD';
        if (read && status < 400) log.debug(line);
        else log.info(line);
      }),
    );
}
