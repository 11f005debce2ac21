// Starts Swagger UI on /api/docs (routes/openapi/routes.ts) with the document named by the page. A
// served file rather than an inline script: the Content-Security-Policy allows only our own files.
window.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.dataset.spec,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null, // never ask a third-party validator about our document
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
