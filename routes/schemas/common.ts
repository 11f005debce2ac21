/**
 * Shared pieces of the response schemas (docs/http.md "OpenAPI"): what the JSON views in routes/*-json.ts
 * send, as zod schemas the OpenAPI document shows and tests/openapi.e2e.test.ts checks real answers
 * against. `Fits` makes tsc refuse a mapper whose output the schema does not describe.
 */
import { z } from 'zod';

/** A UTC ISO 8601 time with Z (docs/http.md). */
export const time = z.iso.datetime();
export const nullableTime = time.nullable();

/** Compile-time check: values of type `T` are valid `S` output. */
export type Fits<S extends z.ZodType, T extends z.output<S>> = [S, T];

/** `{success: true}`, with whatever the route adds. */
export const Success = z.object({ success: z.literal(true) });

/** `{success, message, …}` answers of actions (command issue, cancel). */
export const Outcome = z.object({ success: z.boolean(), message: z.string() });
