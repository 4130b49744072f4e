// Adding what a fix needs at the top of a file: an `asyncHandler`, or Express's types.
import { ts } from 'ts-morph';
import { isTypeScript, type TextEdit } from './edits';

/** Declared at the top level already (imported, required, or defined)? */
function declaredNames(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && s.importClause) {
      if (s.importClause.name) out.add(s.importClause.name.text);
      const nb = s.importClause.namedBindings;
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) out.add(el.name.text);
      if (nb && ts.isNamespaceImport(nb)) out.add(nb.name.text);
    } else if (ts.isImportEqualsDeclaration(s)) {
      out.add(s.name.text);
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) out.add(d.name.text);
    } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) {
      out.add(s.name.text);
    }
  }
  return out;
}

/** After the imports and requires at the top of the file. */
function importPoint(sf: ts.SourceFile): number {
  let end = -1;
  for (const s of sf.statements) {
    const isRequire =
      ts.isVariableStatement(s) &&
      s.declarationList.declarations.every(
        (d) =>
          d.initializer &&
          ts.isCallExpression(d.initializer) &&
          ts.isIdentifier(d.initializer.expression) &&
          d.initializer.expression.text === 'require',
      );
    if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || isRequire) end = s.getEnd();
    else if (end >= 0) break;
  }
  return end;
}

function insertLine(sf: ts.SourceFile, line: string): TextEdit {
  const at = importPoint(sf);
  return at >= 0 ? { start: at, end: at, text: `\n${line}` } : { start: 0, end: 0, text: `${line}\n` };
}

/** `asyncHandler` in scope: from express-async-handler when the project has it, else a small local helper. */
export function ensureHelper(
  sf: ts.SourceFile,
  name: 'asyncHandler',
  fromPackage: boolean,
): TextEdit[] | undefined {
  if (declaredNames(sf).has(name)) return [];
  const esm = isTypeScript(sf.fileName) || sf.statements.some(ts.isImportDeclaration);
  if (fromPackage) {
    return [
      insertLine(
        sf,
        esm
          ? `import ${name} from 'express-async-handler';`
          : `const ${name} = require('express-async-handler');`,
      ),
    ];
  }
  if (isTypeScript(sf.fileName)) {
    const types = ensureExpressType(sf, ['RequestHandler']);
    const t = types.names.RequestHandler;
    return [
      ...types.edits,
      insertLine(
        sf,
        `\n// Passes a rejected promise from an async handler on to next(err).\nconst ${name} = (fn: ${t}): ${t} => (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next);`,
      ),
    ];
  }
  return [
    insertLine(
      sf,
      `\n// Passes a rejected promise from an async handler on to next(err).\nconst ${name} = (fn) => (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next);`,
    ),
  ];
}

/** Express's types by name: reuses an import of them, else adds `import type { ... } from 'express'`. */
export function ensureExpressType(
  sf: ts.SourceFile,
  wanted: string[],
): { edits: TextEdit[]; names: Record<string, string> } {
  const names: Record<string, string> = {};
  const have = declaredNames(sf);
  const missing: string[] = [];
  for (const w of wanted) {
    if (have.has(w)) names[w] = w;
    else missing.push(w);
  }
  for (const w of missing) names[w] = w;
  return {
    edits: missing.length
      ? [insertLine(sf, `import type { ${missing.sort().join(', ')} } from 'express';`)]
      : [],
    names,
  };
}
