import path from 'node:path';
import { readdirSync } from 'node:fs';
import ts from 'typescript';

/** One user-facing text found in the source: its English text (template parts as `{}`) and where it is written. */
export interface FoundMessage {
  text: string;
  /** 'error' (thrown, or a field error), 'success' (a controller's `message:`) or 'key' (a `t(locale, key)` call). */
  kind: 'error' | 'success' | 'key';
  where: string;
}

function listTsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/**
 * Reads every file under `srcDir` with the TypeScript compiler and lists the messages a client can see:
 * - every string reaching the arguments of `new AppError(...)` or of any class extending it (directly, through a
 *   constant, a conditional, a `??` fallback, or a parameter of a local helper such as `fail(message)`), the
 *   defaults of those classes and the ERROR_CODES table;
 * - the `message` of every object literal that also has a `field` (AJV-style field errors);
 * - every `message:` in a controller (success answers);
 * - the key of every `t(locale, key)` call (mails, SMS, pages) and the title and body of every `notifyUser` call (pushes).
 * Template literals become their text with `{}` for each variable part.
 */
export function scanMessages(srcDir: string): FoundMessage[] {
  const files = listTsFiles(srcDir);
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowJs: false, noEmit: true });
  const checker = program.getTypeChecker();
  const found: FoundMessage[] = [];
  const sources = program.getSourceFiles().filter((sf) => files.includes(path.resolve(sf.fileName)) || files.includes(sf.fileName));

  const whereOf = (node: ts.Node) => {
    const sf = node.getSourceFile();
    return `${path.relative(srcDir, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };

  // Error classes: AppError and everything extending it (transitively), wherever declared in src.
  const errorClasses = new Set(['AppError']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const sf of sources) {
      sf.forEachChild(function visit(node) {
        if (ts.isClassDeclaration(node) && node.name && !errorClasses.has(node.name.text)) {
          const base = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
          if (base && ts.isIdentifier(base) && errorClasses.has(base.text)) {
            errorClasses.add(node.name.text);
            grew = true;
          }
        }
        node.forEachChild(visit);
      });
    }
  }

  function symbolOf(node: ts.Node): ts.Symbol | undefined {
    let symbol = ts.isShorthandPropertyAssignment(node) ? checker.getShorthandAssignmentValueSymbol(node) : checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol;
  }

  /** The strings an expression can evaluate to, as far as the source says; unknown parts give nothing. */
  function stringsOf(node: ts.Node | undefined, seen = new Set<ts.Node>()): string[] {
    if (!node || seen.has(node)) return [];
    seen.add(node);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
    if (ts.isTemplateExpression(node)) return [node.head.text + node.templateSpans.map((span) => `{}${span.literal.text}`).join('')];
    if (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node) || ts.isAsExpression(node)) return stringsOf(node.expression, seen);
    if (ts.isConditionalExpression(node)) return [...stringsOf(node.whenTrue, seen), ...stringsOf(node.whenFalse, seen)];
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)) {
      return [...stringsOf(node.left, seen), ...stringsOf(node.right, seen)];
    }
    if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((e) => stringsOf(e, seen));
    if (ts.isObjectLiteralExpression(node)) {
      return node.properties.flatMap((p) => {
        if (p.name && ts.isIdentifier(p.name) && p.name.text === 'message') {
          if (ts.isPropertyAssignment(p)) return stringsOf(p.initializer, seen);
          if (ts.isShorthandPropertyAssignment(p)) return stringsOfSymbol(symbolOf(p), seen);
        }
        if (p.name && ts.isIdentifier(p.name) && p.name.text === 'errors' && ts.isPropertyAssignment(p)) return stringsOf(p.initializer, seen);
        return [];
      });
    }
    if (ts.isIdentifier(node)) return stringsOfSymbol(symbolOf(node), seen);
    return [];
  }

  function stringsOfSymbol(symbol: ts.Symbol | undefined, seen: Set<ts.Node>): string[] {
    return (symbol?.declarations ?? []).flatMap((decl) => {
      if (ts.isVariableDeclaration(decl)) return stringsOf(decl.initializer, seen);
      if (ts.isParameter(decl)) return [...stringsOf(decl.initializer, seen), ...argumentsFor(decl, seen)];
      return [];
    });
  }

  /** What callers in the same file pass for a parameter of a local function (e.g. `fail('...')`). */
  function argumentsFor(parameter: ts.ParameterDeclaration, seen: Set<ts.Node>): string[] {
    const fn = parameter.parent;
    if (!ts.isArrowFunction(fn) && !ts.isFunctionDeclaration(fn) && !ts.isFunctionExpression(fn)) return [];
    const index = fn.parameters.indexOf(parameter);
    const nameNode = ts.isFunctionDeclaration(fn) ? fn.name : ts.isVariableDeclaration(fn.parent) ? fn.parent.name : undefined;
    if (!nameNode || !ts.isIdentifier(nameNode)) return [];
    const target = symbolOf(nameNode);
    const out: string[] = [];
    fn.getSourceFile().forEachChild(function visit(node) {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && symbolOf(node.expression) === target) out.push(...stringsOf(node.arguments[index], seen));
      node.forEachChild(visit);
    });
    return out;
  }

  for (const sf of sources) {
    const inControllers = path.relative(srcDir, sf.fileName).startsWith('controllers');
    const inErrors = path.relative(srcDir, sf.fileName).startsWith('errors');
    sf.forEachChild(function visit(node) {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && errorClasses.has(node.expression.text)) {
        const args = [...(node.arguments ?? [])];
        if (node.expression.text === 'AppError') args.shift(); // the code, not a message
        for (const arg of args) for (const text of stringsOf(arg)) found.push({ text, kind: 'error', where: whereOf(node) });
      }
      // super(...) in a class extending an error class: AppError's first argument is the code.
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
        const cls = ts.findAncestor(node, ts.isClassDeclaration);
        const base = cls?.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
        if (base && ts.isIdentifier(base) && errorClasses.has(base.text)) {
          const args = [...node.arguments];
          if (base.text === 'AppError') args.shift();
          for (const arg of args) for (const text of stringsOf(arg)) found.push({ text, kind: 'error', where: whereOf(node) });
        }
      }
      if (ts.isObjectLiteralExpression(node)) {
        const names = node.properties.map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : ''));
        if ((names.includes('field') || inControllers || inErrors) && names.includes('message')) {
          for (const text of stringsOf(node)) found.push({ text, kind: inControllers && !names.includes('field') ? 'success' : 'error', where: whereOf(node) });
        }
      }
      // Defaults of the error classes' constructors.
      if (inErrors && ts.isParameter(node) && ts.isConstructorDeclaration(node.parent) && node.initializer) {
        for (const text of stringsOf(node.initializer)) found.push({ text, kind: 'error', where: whereOf(node) });
      }
      // Calls that take catalogue keys: t(locale, key, params), pageText(res, key), sendPage(res, status, title, body).
      const keyArguments: Record<string, number[]> = { t: [1], pageText: [1], sendPage: [2] };
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && keyArguments[node.expression.text]) {
        for (const index of keyArguments[node.expression.text] ?? []) {
          for (const text of stringsOf(node.arguments[index])) found.push({ text, kind: 'key', where: whereOf(node) });
        }
      }
      // fcm.notifyUser(username, { title, body, params, data }): title and body are catalogue keys.
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'notifyUser') {
        const notification = node.arguments[1];
        for (const p of notification && ts.isObjectLiteralExpression(notification) ? notification.properties : []) {
          if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name) || !['title', 'body'].includes(p.name.text)) continue;
          for (const text of stringsOf(p.initializer)) found.push({ text, kind: 'key', where: whereOf(node) });
        }
      }
      node.forEachChild(visit);
    });
  }
  return found;
}

/** A catalogue key or found text with every `{name}` / `{}` reduced to `{}`, for comparing templates. */
export const templateShape = (text: string) => text.replace(/\{\w*\}/g, '{}');
