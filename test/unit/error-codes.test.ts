import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { AppError } from '../../src/errors/app-error.js';
import { ERROR_CODES, type ErrorCodeEntry } from '../../src/errors/error-codes.js';

const SRC = path.resolve(import.meta.dirname, '../../src');
const TABLE_FILE = path.join(SRC, 'errors/error-codes.ts');
/** The HTTP shell: where a generic code (malformed body, wrong media type, unknown route, internal error) is answered. */
const SHELL = ['middleware', 'routers', 'errors'].map((dir) => path.join(SRC, dir) + path.sep);
/** Declarations that list codes a route can answer: naming a code there is not throwing it. */
const isDeclaration = (file: string) => file.endsWith('.route.ts') || file.endsWith(`${path.sep}openapi.ts`);

const table = ERROR_CODES as Record<string, ErrorCodeEntry>;
const codes = Object.keys(table);

function listTsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

interface Source {
  file: string;
  ast: ts.SourceFile;
}

const sources: Source[] = listTsFiles(SRC).map((file) => ({ file, ast: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true) }));

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** The string literals an expression can be: a literal, either branch of a conditional. */
function literalsOf(node: ts.Expression | undefined): string[] {
  if (!node) return [];
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return literalsOf(node.expression);
  if (ts.isConditionalExpression(node)) return [...literalsOf(node.whenTrue), ...literalsOf(node.whenFalse)];
  return [];
}

const where = (source: Source, node: ts.Node) => `${path.relative(SRC, source.file)}:${source.ast.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

describe('the error-code table', () => {
  it('when a code is in the table, then it has an error status, a message and an UPPER_SNAKE name', () => {
    for (const [code, entry] of Object.entries(table)) {
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, code);
      assert.ok(entry.status >= 400 && entry.status < 600, `${code} has an error status`);
      assert.ok(entry.message.length > 0, `${code} has a default message`);
    }
  });

  it('when a code is in the table, then src throws it somewhere or the table says why it is reserved', () => {
    const named = new Set<string>();
    for (const source of sources) {
      if (source.file === TABLE_FILE || isDeclaration(source.file)) continue;
      walk(source.ast, (node) => {
        if (ts.isStringLiteral(node) && Object.hasOwn(table, node.text)) named.add(node.text);
      });
    }
    const dead = codes.filter((code) => !named.has(code) && !table[code]?.reserved);
    assert.deepEqual(dead, [], 'codes nothing throws: throw them, delete them, or give them a `reserved` reason');
    const reservedButThrown = codes.filter((code) => named.has(code) && table[code]?.reserved);
    assert.deepEqual(reservedButThrown, [], 'codes marked reserved that src throws');
  });

  it('when a status has a domain refusal, then no generic code or class answers it with a domain message', () => {
    // The status classes are gone: each 403, 404, 409, 422, 423 and 429 names its cause.
    for (const code of codes) {
      const entry = table[code]!;
      if ([403, 409, 422, 423, 429].includes(entry.status) || (entry.status === 404 && code !== 'ROUTE_NOT_FOUND')) {
        assert.ok(!entry.generic, `${code} (${entry.status}) is a domain code`);
      }
    }
    for (const gone of ['CONFLICT', 'UNPROCESSABLE', 'NOT_FOUND', 'FORBIDDEN', 'TOO_MANY_REQUESTS']) assert.ok(!(gone in table), `${gone} is not a code`);

    const misuses: string[] = [];
    for (const source of sources) {
      walk(source.ast, (node) => {
        if (ts.isClassDeclaration(node) && node.name && /^(Conflict|NotFound|Forbidden|Unauthorized|Unprocessable|TooManyRequests)Error$/.test(node.name.text)) {
          misuses.push(`${where(source, node)}: class ${node.name.text} (a status class, not a cause)`);
        }
        if (!ts.isNewExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'AppError') return;
        const inShell = SHELL.some((dir) => source.file.startsWith(dir));
        for (const code of literalsOf(node.arguments?.[0])) {
          if (table[code]?.generic && !inShell) misuses.push(`${where(source, node)}: new AppError('${code}') outside the HTTP shell`);
        }
      });
    }
    assert.deepEqual(misuses, [], 'domain refusals thrown with a generic code: give them their own code in src/errors/error-codes.ts');
  });

  it('when the README lists the codes, then it lists exactly the table, with statuses and default messages', () => {
    const readme = readFileSync(path.resolve(SRC, '../README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.*) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]!.replace(/\\\|/g, '|')]);
    assert.deepEqual(rows, Object.entries(table).map(([code, entry]) => [code, entry.status, entry.message]));
  });

  it('when an AppError names a code, then it answers the table status and default message unless given one', () => {
    const paid = new AppError('INVOICE_ALREADY_PAID');
    assert.deepEqual([paid.status, paid.code, paid.message], [409, 'INVOICE_ALREADY_PAID', 'Invoice Already Paid']);
    const limited = new AppError('ADDRESS_LIMIT_REACHED', 'Address limit reached: at most 5 addresses per user; delete one first');
    assert.deepEqual([limited.status, limited.message], [409, 'Address limit reached: at most 5 addresses per user; delete one first']);
    assert.equal(new AppError('OTP_BURNED', undefined, { retryAfterSeconds: 0.2 }).headers?.['Retry-After'], '1');
  });
});
