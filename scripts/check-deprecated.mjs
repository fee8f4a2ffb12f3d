// Fails when a direct dependency (dependencies or devDependencies) is marked deprecated in the registry.
// `npm audit` cannot reach its advisory service from these machines, so this is the hygiene gate CI can run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * The problems of the direct dependencies: deprecated in the lockfile, missing from it, or deprecated according to
 * `view(name, version)` (the registry's `deprecated` field, '' when not deprecated). `warn` hears about lookups that
 * failed (a network hiccup is not a reason to fail the build).
 */
export function findDeprecated({ pkg, lock, view, warn = () => {} }) {
  const direct = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  const deprecated = [];
  for (const name of direct) {
    const installed = lock.packages?.[`node_modules/${name}`];
    if (installed?.deprecated) {
      deprecated.push(`${name}@${installed.version}: ${installed.deprecated}`);
      continue;
    }
    if (!installed) {
      deprecated.push(`${name}: not in package-lock.json (run npm install and commit the lockfile)`);
      continue;
    }
    try {
      const message = String(view(name, installed.version) ?? '').trim();
      if (message) deprecated.push(`${name}@${installed.version}: ${message}`);
    } catch (error) {
      warn(`could not ask the registry about ${name}: ${String(error?.message ?? error).split('\n')[0]}`);
    }
  }
  return { direct, deprecated };
}

/** Asks the registry, through npm itself, whether one version is deprecated. */
export function npmView(name, version) {
  return execFileSync('npm', ['view', `${name}@${version}`, 'deprecated'], { encoding: 'utf8', timeout: 30_000 });
}

function main() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  const { direct, deprecated } = findDeprecated({ pkg, lock, view: npmView, warn: (line) => console.warn(line) });
  if (deprecated.length) {
    console.error(`Deprecated direct dependencies:\n  ${deprecated.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`${direct.length} direct dependencies, none deprecated`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
