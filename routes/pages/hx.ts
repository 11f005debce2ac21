/**
 * The one home of htmx's conventions on the server side (style.md point 6, docs/architecture.md
 * "htmx 4"): out-of-band `<hx-partial>` swaps.
 */

/** One `<hx-partial>`: targets are ids we build from validated UUIDs and fixed names. */
export const hxPartial = (target: string, swap: string, html: string) => `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`;
