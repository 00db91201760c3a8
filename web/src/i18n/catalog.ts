// The shape every language's catalogue must have: the English one, with each text a string.
// A French catalogue typed `Catalog<typeof en>` fails `tsc` when a text is missing or extra.

/** The same keys as `T`, every leaf a string. */
export type Catalog<T> = { [K in keyof T]: T[K] extends string ? string : Catalog<T[K]> };

/** The dotted paths of every text in a catalogue ("nav.workflows", ...). */
export function textPaths(catalog: object, prefix = ""): string[] {
  return Object.entries(catalog).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : textPaths(value as object, `${prefix}${key}.`),
  );
}

/** The `{{ name }}` placeholders a text fills in, sorted. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]).sort();
}
