// @ts-check
/**
 * ESLint rule `layers/allowed-imports`: every import of a file must be on its layer's allow-list
 * (docs/architecture.md, "Layers"). Relative imports are resolved to a path from the repository
 * root first, so '../store', '../store/index', './../store/runs.ts' and '../../src/store' are the
 * same target; bare imports are checked by package name ('node:fs' and 'fs' are both Node).
 * Static imports, re-exports, `import()` with a string and `require('…')` are all checked.
 *
 * Options: { root: string, layers: Layer[] } where Layer = { name, files: string[] (path
 * prefixes from root), internal: string[] (path prefixes it may import), packages: string[]
 * (package names, 'node:*' for Node built-ins, '*' for any) }. The first layer whose `files`
 * prefix matches the linted file applies; a file in no layer is not checked.
 */
import path from 'node:path';
import { builtinModules } from 'node:module';

const NODE_BUILTINS = new Set(builtinModules);

/** 'react-dom/client' → 'react-dom'; '@noble/hashes/sha2.js' → '@noble/hashes'; 'fs/promises' → 'node:fs'. */
export function packageOf(spec) {
  if (spec.startsWith('node:')) return 'node:*';
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
  return NODE_BUILTINS.has(name) ? 'node:*' : name;
}

const under = (rel, prefix) =>
  prefix.endsWith('/') ? rel.startsWith(prefix) : rel === prefix || rel.startsWith(`${prefix}/`);

/** Path from root without extension: 'src/store/index.ts' → 'src/store/index'. */
function normalize(rel) {
  return rel.replace(/\\/g, '/').replace(/\.(c|m)?(t|j)sx?$/, '');
}

/** @type {import('eslint').Rule.RuleModule} */
const allowedImports = {
  meta: {
    type: 'problem',
    schema: [{ type: 'object' }],
    messages: {
      internal:
        '{{layer}} may not import {{target}} (allowed: {{allowed}}); docs/architecture.md, Layers.',
      package:
        '{{layer}} may not import the package "{{pkg}}" (allowed: {{allowed}}); docs/architecture.md, Layers.',
    },
  },
  create(context) {
    const { root, layers } = /** @type {{root: string, layers: any[]}} */ (context.options[0]);
    const file = normalize(path.relative(root, context.filename));
    const layer = layers.find((l) => l.files.some((f) => under(file, f)));
    if (!layer) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = normalize(
          path.relative(root, path.resolve(path.dirname(context.filename), spec)),
        );
        if (layer.internal.some((p) => under(target, p))) return;
        context.report({
          node,
          messageId: 'internal',
          data: { layer: layer.name, target, allowed: layer.internal.join(', ') || 'nothing' },
        });
        return;
      }
      const pkg = packageOf(spec);
      if (layer.packages.includes('*') || layer.packages.includes(pkg)) return;
      context.report({
        node,
        messageId: 'package',
        data: { layer: layer.name, pkg, allowed: layer.packages.join(', ') || 'none' },
      });
    };
    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node.source, node.source.value);
      },
      TSImportType(node) {
        const arg = node.argument?.literal ?? node.argument;
        if (arg && arg.type === 'Literal') check(arg, arg.value);
      },
      CallExpression(node) {
        const a = node.arguments[0];
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          a?.type === 'Literal'
        )
          check(a, a.value);
      },
    };
  },
};

export default { rules: { 'allowed-imports': allowedImports } };
