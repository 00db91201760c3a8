// Semantic Versioning 2.0.0 in the browser, as the API checks it (src/crmflow/blueprints/semver.py):
// the regular expression semver.org gives, precedence, and the version to suggest after another.

/** semver.org's regular expression: no leading zeros, optional pre-release and build metadata. */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

/** `MAJOR.MINOR.PATCH[-pre][+build]` parsed, or null when it is not a semantic version. */
export function parseVersion(text: string): Version | null {
  const match = SEMVER.exec(text.trim());
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[4] ? match[4].split(".") : [] };
}

/** SemVer precedence: < 0 when a is below b, 0 when equal (build metadata ignored), > 0 above. */
export function compareVersions(a: Version, b: Version): number {
  for (const key of ["major", "minor", "patch"] as const) if (a[key] !== b[key]) return a[key] - b[key];
  // A release ranks above its pre-releases.
  if (!a.prerelease.length || !b.prerelease.length) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const [x, y] = [a.prerelease[i], b.prerelease[i]];
    if (x === y) continue;
    const [xNum, yNum] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    // Numeric identifiers rank below alphanumeric ones.
    if (xNum && yNum) return Number(x) - Number(y);
    if (xNum !== yNum) return xNum ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.prerelease.length - b.prerelease.length;
}

/** The highest of `versions` as written (those that are not semantic versions are ignored), or null. */
export function newestVersion(versions: string[]): string | null {
  let newest: { text: string; version: Version } | null = null;
  for (const text of versions) {
    const version = parseVersion(text);
    if (version && (!newest || compareVersions(version, newest.version) > 0)) newest = { text, version };
  }
  return newest?.text ?? null;
}

/** The next minor version (1.2.3 → 1.3.0), or the next major one (1.2.3 → 2.0.0). */
export function bump(version: Version, part: "minor" | "major"): string {
  return part === "major" ? `${version.major + 1}.0.0` : `${version.major}.${version.minor + 1}.0`;
}
