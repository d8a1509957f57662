// Type-aware check that no promise is left floating: an expression statement whose value is a promise
// must be awaited, returned, handled with .catch()/.then(_, onRejected), or marked with `void` where
// fire-and-forget is intended (and its rejection handled inside). Biome's nursery noFloatingPromises runs
// too, but it cannot see the promise types of dependencies (pg, Temporal, Slack, node:*); this check
// uses the TypeScript compiler with the project's tsconfig, as typescript-eslint's rule does.
import { dirname, relative } from 'node:path';
import ts from 'typescript';

const configPath = ts.findConfigFile(process.cwd(), ts.sys.fileExists, 'tsconfig.json');
if (!configPath) throw new Error('no tsconfig.json');
const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
const program = ts.createProgram(parsed.fileNames, parsed.options);
const checker = program.getTypeChecker();

function isThenable(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(isThenable);
  const then = type.getProperty('then');
  if (!then) return false;
  const thenType = checker.getTypeOfSymbol(then);
  return thenType.getCallSignatures().length > 0;
}

/** `.catch(handler)`, `.then(ok, onRejected)`: the rejection has somewhere to go. */
function isHandled(expr: ts.Expression): boolean {
  if (!ts.isCallExpression(expr) || !ts.isPropertyAccessExpression(expr.expression)) return false;
  const method = expr.expression.name.text;
  if (method === 'catch') return expr.arguments.length >= 1;
  if (method === 'then') return expr.arguments.length >= 2;
  if (method === 'finally') return isHandled(expr.expression.expression);
  return false;
}

const findings: string[] = [];
for (const file of program.getSourceFiles()) {
  if (file.isDeclarationFile || file.fileName.includes('/node_modules/')) continue;
  const visit = (node: ts.Node): void => {
    if (ts.isExpressionStatement(node)) {
      let expr = node.expression;
      while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
      // Stored promises (x = p, x ??= p) are someone else's to await, as in typescript-eslint.
      const stored =
        ts.isBinaryExpression(expr) &&
        expr.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        expr.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
      const intended = stored || ts.isVoidExpression(expr) || ts.isAwaitExpression(expr);
      if (!intended && !isHandled(expr) && isThenable(checker.getTypeAtLocation(expr))) {
        const { line, character } = file.getLineAndCharacterOfPosition(expr.getStart(file));
        const text = expr.getText(file).split('\n')[0]!.slice(0, 80);
        findings.push(`${relative(process.cwd(), file.fileName)}:${line + 1}:${character + 1} ${text}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

if (findings.length) {
  console.error(
    `Floating promises (await them, handle .catch(), or mark an intended fire-and-forget with void):\n${findings.join('\n')}`,
  );
  process.exit(1);
}
console.log('no floating promises');
