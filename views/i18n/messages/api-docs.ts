/**
 * Messages of the API documentation page `/api/docs` (Swagger UI itself speaks English), merged into
 * the one catalog by ../en.ts and ../de.ts.
 */
export const en = {
  'apiDocs.title': 'API documentation',
  'apiDocs.noscript': 'This page needs JavaScript. The OpenAPI document itself is at {url}.',
};

export const de: Record<keyof typeof en, string> = {
  'apiDocs.title': 'API-Dokumentation',
  'apiDocs.noscript': 'Diese Seite braucht JavaScript. Das OpenAPI-Dokument selbst liegt unter {url}.',
};
