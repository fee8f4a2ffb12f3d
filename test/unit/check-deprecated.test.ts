import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDeprecated } from '../../scripts/check-deprecated.mjs';

describe('check-deprecated (the CI gate on deprecated direct dependencies)', () => {
  const pkg = { dependencies: { good: '^1.0.0', old: '^2.0.0' }, devDependencies: { tool: '^3.0.0' } };
  const lock = {
    packages: {
      'node_modules/good': { version: '1.2.3' },
      'node_modules/old': { version: '2.0.0' },
      'node_modules/tool': { version: '3.1.0' },
    },
  };

  it('when the registry marks a direct dependency deprecated, then it is flagged with its version and message', () => {
    const { deprecated, direct } = findDeprecated({ pkg, lock, view: (name) => (name === 'old' ? 'use new instead\n' : '') });
    assert.deepEqual(direct, ['good', 'old', 'tool']);
    assert.deepEqual(deprecated, ['old@2.0.0: use new instead']);
  });

  it('when the lockfile already records a deprecation, then it is flagged without asking the registry', () => {
    const asked: string[] = [];
    const withFlag = { packages: { ...lock.packages, 'node_modules/tool': { version: '3.1.0', deprecated: 'no longer maintained' } } };
    const { deprecated } = findDeprecated({ pkg, lock: withFlag, view: (name) => (asked.push(name), '') });
    assert.deepEqual(deprecated, ['tool@3.1.0: no longer maintained']);
    assert.ok(!asked.includes('tool'));
  });

  it('when a direct dependency is missing from the lockfile, then it is flagged', () => {
    const { deprecated } = findDeprecated({ pkg: { ...pkg, dependencies: { ...pkg.dependencies, ghost: '^1.0.0' } }, lock, view: () => '' });
    assert.deepEqual(deprecated, ['ghost: not in package-lock.json (run npm install and commit the lockfile)']);
  });

  it('when the registry cannot be reached, then it warns and does not flag', () => {
    const warnings: string[] = [];
    const { deprecated } = findDeprecated({
      pkg,
      lock,
      view: () => {
        throw new Error('network down\nmore');
      },
      warn: (line) => warnings.push(line),
    });
    assert.deepEqual(deprecated, []);
    assert.equal(warnings.length, 3);
    assert.match(warnings[0] ?? '', /could not ask the registry about good: network down$/);
  });
});
