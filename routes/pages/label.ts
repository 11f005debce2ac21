/**
 * `/clients/{uuid}/label` (role user): a printable label to stick
 * on a screen: name, room, group, IP, UUID and a QR code that opens this client's page. The QR
 * code is drawn here as SVG (qrcode-generator computes the modules; no external service, no
 * image request, no inline style: CSP). The link is absolute: `PUBLIC_URL` when configured (the
 * address phones reach), else the origin this request came to (a proxy's forwarded host and
 * protocol when it set them).
 */
import { Hono, type Context } from 'hono';
import qrcode from 'qrcode-generator';
import { clientName, isUuid } from '../client-json.ts';
import type { AppEnv } from '../middleware/session.ts';
import { render } from './hx.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';

const QUIET_ZONE = 4; // modules of white around the code (ISO/IEC 18004 minimum)

/**
 * An SVG QR code for `text`: one path of dark modules (runs merged per row) on a white square.
 * Composed of numbers and fixed markup only, so templates may print it raw.
 */
export function qrSvg(text: string, cls = 'qr'): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const size = n + 2 * QUIET_ZONE;
  let d = '';
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      let run = 1;
      while (col + run < n && qr.isDark(row, col + run)) run++;
      d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`;
      col += run;
    }
  }
  // Colours as presentation attributes (allowed by the CSP, unlike style=""); black on white even in dark mode.
  return (
    `<svg class="${cls}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" aria-hidden="true" focusable="false">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`
  );
}

/** Where a phone that scans the label should go. */
export function publicBase(c: Context, configured: string | undefined): string {
  if (configured) return configured;
  const url = new URL(c.req.url);
  const host = c.req.header('x-forwarded-host')?.split(',')[0].trim();
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0].trim();
  const safeHost = host && /^[\w.-]+(:\d{1,5})?$/.test(host) ? host : url.host;
  const safeProto = proto === 'https' || proto === 'http' ? proto : url.protocol.replace(':', '');
  return `${safeProto}://${safeHost}`;
}

export function labelPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  app.get('/clients/:uuid/label', pageRole('user', deps), async (c) => {
    const uuid = c.req.param('uuid');
    const r = isUuid(uuid) ? deps.fleet.get(uuid) : undefined;
    if (!r) return errorPage(c, deps, 404);
    const it = pageContext(c, deps);
    const name = clientName(r);
    const link = `${publicBase(c, deps.config.PUBLIC_URL)}/clients/${r.uuid}`;
    const group = r.groupId === null ? null : ((await deps.groups.list()).find((g) => g.id === r.groupId)?.name ?? null);
    return render(c, { page: 'label', data: { ...it, title: it.t('label.title', { name }), r, name, group, link, qr: qrSvg(link) } });
  });
  return app;
}
