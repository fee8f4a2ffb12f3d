import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../config/index.js';
import { generateDateCodedId } from '../../src/utilities/general.js';

const table = (name: string) =>
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'libraries', `${name}.json`), 'utf8')) as Record<string, string>;

describe("the seed's libraries/ date tables", () => {
  it('holds exactly the four seed files, each used by generateDateCodedId', () => {
    assert.deepEqual(readdirSync(path.join(PROJECT_ROOT, 'libraries')).sort(), [
      'dir_day.json',
      'dir_digits.json',
      'dir_month.json',
      'dir_year.json',
    ]);
    const source = readFileSync(path.join(PROJECT_ROOT, 'src', 'utilities', 'general.ts'), 'utf8');
    for (const name of ['dir_day', 'dir_digits', 'dir_month', 'dir_year'])
      assert.ok(source.includes(`libraries/${name}.json`), `${name} is imported`);
  });

  it('when an id is made, then its date part is year, month, day and the two hour digits, each looked up in its table (UTC)', () => {
    const [year, month, day, digits] = [table('dir_year'), table('dir_month'), table('dir_day'), table('dir_digits')];
    for (const iso of [
      '2024-01-01T00:00:00Z',
      '2026-12-31T23:59:59Z',
      '2025-07-09T07:30:00Z',
      '2030-02-28T10:00:00Z',
      '2026-05-15T19:05:00+07:00',
    ]) {
      const date = new Date(iso);
      const hour = String(date.getUTCHours()).padStart(2, '0');
      const expected =
        year[String(date.getUTCFullYear())]! +
        month[String(date.getUTCMonth() + 1)]! +
        day[String(date.getUTCDate())]! +
        digits[hour[0]!]! +
        digits[hour[1]!]!;
      const id = generateDateCodedId('TRX', date);
      assert.equal(id.split('-')[1], expected, iso);
      assert.match(id, /^TRX-[A-Z0-9]{5}-[A-Z0-9]{12}$/);
    }
  });

  it('when ids are made an hour apart, then they differ in the hour code and sort by time within a day', () => {
    const ids = Array.from({ length: 24 }, (_, h) => generateDateCodedId('PAY', new Date(Date.UTC(2026, 4, 5, h))));
    const dateParts = ids.map((id) => id.split('-')[1]!);
    assert.equal(new Set(dateParts).size, 24);
    assert.deepEqual([...dateParts].sort(), dateParts, 'dir_digits maps 0-9 to A-J in order, so codes sort like hours');
    assert.equal(dateParts[0], 'CE5AA');
    assert.equal(dateParts[23], 'CE5CD');
  });
});
