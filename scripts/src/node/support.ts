/**
 * The Node.js releases the course supports, in one place: `course doctor` judges the
 * running Node by it, and a unit test checks that package.json's `engines` says the same.
 *
 * Only even (LTS) releases: odd ones live six months and nothing here is tested on them.
 * The floors in 20 and 22 are where `require()` of an ES module works without a flag;
 * `course export` needs it, because marked (its Markdown renderer) is one. 22's is one
 * minor higher, 22.13: the mutation-testing tool's prompts library (a dev dependency)
 * asks for it, and an install on a supported Node must print no engine warning.
 */
export interface SupportedRelease {
  major: number;
  /** The first minor release of `major` the course works on. */
  minMinor: number;
}

export const SUPPORTED_NODE: readonly SupportedRelease[] = [
  { major: 20, minMinor: 19 },
  { major: 22, minMinor: 13 },
  { major: 24, minMinor: 0 },
  { major: 26, minMinor: 0 },
];

/** The release we suggest to someone who has to install or update Node. */
export const RECOMMENDED_NODE_MAJOR = 24;

/** The supported releases as an npm `engines` range, e.g. "^20.19.0 || ^22.13.0 || ...". */
export function enginesRange(releases: readonly SupportedRelease[] = SUPPORTED_NODE): string {
  return releases.map((r) => `^${r.major}.${r.minMinor}.0`).join(" || ");
}

/** The supported releases for people, e.g. "20.19+, 22.13+, 24 or 26". */
export function supportedList(releases: readonly SupportedRelease[] = SUPPORTED_NODE): string {
  const names = releases.map((r) => (r.minMinor > 0 ? `${r.major}.${r.minMinor}+` : `${r.major}`));
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}` : names.join("");
}

export type NodeSupport =
  /** A supported release at or past its floor. */
  | { kind: "supported" }
  /** A supported major, but older than the minor release the course needs. */
  | { kind: "outdated"; needs: string }
  /** Older than every supported release. */
  | { kind: "too-old" }
  /** An odd release, or one newer than the newest we test: it may work, nobody checked. */
  | { kind: "untested" };

/** The major and minor release of `version` ("24.22.3", as process.versions.node gives it). */
export function parseNodeVersion(version: string): { major: number; minor: number } {
  const parts = /^(\d+)\.(\d+)(?:\.|$)/.exec(version);
  if (parts === null) {
    // "v24.1.0" (process.version) or "24" would otherwise be judged as a release that does not exist.
    throw new Error(`"${version}" is not a Node.js version like "24.22.3"; pass process.versions.node, not process.version.`);
  }
  return { major: Number(parts[1]), minor: Number(parts[2]) };
}

/** How `version` ("24.22.3", as process.versions.node gives it) stands against SUPPORTED_NODE. */
export function nodeSupport(version: string, releases: readonly SupportedRelease[] = SUPPORTED_NODE): NodeSupport {
  const { major, minor } = parseNodeVersion(version);
  const release = releases.find((r) => r.major === major);
  if (release)
    return minor >= release.minMinor ? { kind: "supported" } : { kind: "outdated", needs: `${release.major}.${release.minMinor}` };
  return major < Math.min(...releases.map((r) => r.major)) ? { kind: "too-old" } : { kind: "untested" };
}
