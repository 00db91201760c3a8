// API field errors (`{loc, msg}` with loc like `actions[2].config.to`) shown next to fields.
import type { FieldError } from "../api/client";

/** Strip FastAPI's `body.` prefix so locations read like the definition's JSON paths. */
export function cleanLoc(loc: string): string {
  return loc.replace(/^body\./, "").replace(/\.(\d+)(?=\.|$)/g, "[$1]");
}

/** The errors whose location is exactly `loc`. */
export function errorsAt(errors: FieldError[] | undefined, loc: string): FieldError[] {
  return (errors ?? []).filter((e) => cleanLoc(e.loc) === loc);
}

/** The errors at `prefix` or below it. */
export function errorsUnder(errors: FieldError[] | undefined, prefix: string): FieldError[] {
  return (errors ?? []).filter((e) => {
    const loc = cleanLoc(e.loc);
    return loc === prefix || loc.startsWith(`${prefix}.`) || loc.startsWith(`${prefix}[`);
  });
}

/** An error's message without the location the API sometimes repeats in front of it. */
export function errorText(error: FieldError): string {
  const loc = cleanLoc(error.loc);
  for (const prefix of [`${loc}: `, `${error.loc}: `]) if (loc && error.msg.startsWith(prefix)) return error.msg.slice(prefix.length);
  return error.msg;
}

/** The messages of some errors, announced and styled as field errors. */
export function ErrorsFor({ errors, id }: { errors: FieldError[]; id?: string }) {
  if (errors.length === 0) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {errors.map(errorText).join("; ")}
    </p>
  );
}
