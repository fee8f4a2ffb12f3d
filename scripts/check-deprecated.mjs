// Fails when a direct dependency (dependencies or devDependencies) is marked deprecated in the registry.
// `npm audit` cannot reach its advisory service from these machines, so this is the hygiene gate CI can run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
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
    const message = execFileSync('npm', ['view', `${name}@${installed.version}`, 'deprecated'], { encoding: 'utf8', timeout: 30_000 }).trim();
    if (message) deprecated.push(`${name}@${installed.version}: ${message}`);
  } catch (error) {
    // The registry did not answer: say so, but do not fail the build on a network hiccup.
    console.warn(`could not ask the registry about ${name}: ${error.message.split('\n')[0]}`);
  }
}
if (deprecated.length) {
  console.error(`Deprecated direct dependencies:\n  ${deprecated.join('\n  ')}`);
  process.exit(1);
}
console.log(`${direct.length} direct dependencies, none deprecated`);
