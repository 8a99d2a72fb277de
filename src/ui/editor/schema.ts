/**
 * The editor's schema: the generated Kubernetes schema (public/schemas/kubernetes.json, one shared
 * set of definitions) turned into one that picks each YAML document's definition by its
 * `apiVersion` and `kind`, as the API server does. Its `oneOf` of every kind would validate a
 * document against all of them and report the best guess; `if`/`then` per kind gives exactly the
 * one schema, hence precise completion, hover and errors. Unknown pairs get only the top level.
 */
type Schema = Record<string, any>;

export type KindEntry = { apiVersion: string; kind: string; definition: string; description?: string };

export function kindsOf(raw: Schema): KindEntry[] {
  const out: KindEntry[] = [];
  for (const ref of (raw.oneOf ?? []) as { $ref?: string }[]) {
    const definition = ref.$ref?.split('/').pop();
    const def = definition ? raw.definitions?.[definition] : undefined;
    const apiVersion = def?.properties?.apiVersion?.const;
    const kind = def?.properties?.kind?.const;
    if (typeof apiVersion === 'string' && typeof kind === 'string') out.push({ apiVersion, kind, definition: definition!, description: def.description });
  }
  return out;
}

export function editorSchema(raw: Schema): Schema {
  const kinds = kindsOf(raw);
  const unique = (xs: string[]) => [...new Set(xs)].sort();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    definitions: raw.definitions,
    type: 'object',
    properties: {
      apiVersion: {
        type: 'string',
        enum: unique(kinds.map((k) => k.apiVersion)),
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      kind: {
        type: 'string',
        enum: unique(kinds.map((k) => k.kind)),
        description: 'Kind is a string value representing the REST resource this object represents.',
      },
    },
    allOf: kinds.map((k) => ({
      if: { properties: { apiVersion: { const: k.apiVersion }, kind: { const: k.kind } }, required: ['apiVersion', 'kind'] },
      then: { $ref: `#/definitions/${k.definition}` },
    })),
  };
}
