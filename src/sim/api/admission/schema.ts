/**
 * Structural decoding of a manifest against the API's schema: unknown fields and wrong types, with
 * the API server's strict-decoding wording. (Filled in from the schema generated out of kubernetes-types.)
 */
import type { FieldPath } from '../yaml';

export type DecodeError = { path: FieldPath; message: string };

/** Problems decoding `obj` as its kind; empty when it decodes cleanly. */
export function decodeErrors(_obj: Record<string, unknown>): DecodeError[] {
  return [];
}
