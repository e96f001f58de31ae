/**
 * The README's TypeScript snippets must compile against the real packages: a renamed export or option
 * fails here instead of in a user's editor.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

/** Type-checks in-memory sources (one program for all of them); returns the errors of each. */
function typeErrors(sources: string[]): string[][] {
  const files = sources.map((_, i) => join(here, `__readme_snippet_${i}__.ts`));
  const byName = new Map(files.map((f, i) => [f, sources[i] ?? '']));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    customConditions: ['source'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => byName.get(name) ?? readFile(name);
  host.fileExists = (name) => byName.has(name) || fileExists(name);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const text = byName.get(name);
    return text === undefined
      ? getSourceFile(name, languageVersion, onError, shouldCreate)
      : ts.createSourceFile(name, text, languageVersion, true);
  };
  const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram(files, options, host));
  return files.map((f) =>
    diagnostics
      .filter((d) => d.file?.fileName === f)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  );
}

describe('README', () => {
  it('has the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('has TypeScript snippets, and each compiles against the packages (a broken one would not)', {
    timeout: 90_000,
  }, () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const broken = "import { NoSuchExport } from '@igkit/graph';\nNoSuchExport;\n";
    const errors = typeErrors([...blocks, broken]);
    expect(errors.slice(0, blocks.length)).toEqual(blocks.map(() => []));
    expect(errors[blocks.length]!.length).toBeGreaterThan(0);
  });
});
