/**
 * JSON Schema (draft 2020-12) of the Alertmanager v4 webhook body as receivers rely on it
 * (docs/notifications.md "Webhook"): the tests validate every body the webhook channel sends.
 */
const labels = { type: 'object', additionalProperties: { type: 'string' } } as const;
const time = { type: 'string', format: 'date-time' } as const;

export const alertmanagerV4Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'alertmanager-webhook-v4',
  type: 'object',
  required: ['version', 'groupKey', 'status', 'receiver', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'alerts'],
  properties: {
    version: { const: '4' },
    groupKey: { type: 'string' },
    truncatedAlerts: { type: 'integer', minimum: 0 },
    status: { enum: ['firing', 'resolved'] },
    receiver: { type: 'string' },
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: labels,
    externalURL: { type: 'string' },
    alerts: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint'],
        additionalProperties: false,
        properties: {
          status: { enum: ['firing', 'resolved'] },
          labels: { ...labels, required: ['alertname'] },
          annotations: labels,
          startsAt: time,
          endsAt: time,
          generatorURL: { type: 'string' },
          fingerprint: { type: 'string', pattern: '^[0-9a-f]{16}$' },
        },
      },
    },
  },
  additionalProperties: false,
} as const;
