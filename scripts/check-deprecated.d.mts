/** Types of check-deprecated.mjs, for the unit test. */
export interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
export interface PackageLock {
  packages?: Record<string, { version?: string; deprecated?: string }>;
}
export function findDeprecated(input: {
  pkg: PackageJson;
  lock: PackageLock;
  view: (name: string, version: string) => string | undefined;
  warn?: (line: string) => void;
}): { direct: string[]; deprecated: string[] };
export function npmView(name: string, version: string): string;
