/**
 * The layering of docs/architecture.md "Layers", checked on the imports of every non-test .ts file:
 * domain/ imports nothing outside domain/ (no package either); lib/ imports only lib/ and domain/;
 * db/ imports only domain/, lib/ and db/; services/ imports domain/, db/, lib/ and services/ (the
 * settings' type from config.ts; actors/ only for an edge listed in SERVICES_USE_ACTORS with its
 * reason), never routes/ or views/; broker/ never reaches up into actors/; views/ imports neither
 * db/ nor actors/; testing/ (test support) is imported only by tests, scripts/ and itself, never by
 * the server. And the whole run-time graph (type-only imports are erased) has no cycle: a module in
 * a cycle may run before what it imports is initialised, and the copies people make to dodge one
 * drift apart.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', 'data', 'test-artifacts', '.git']);

/**
 * Edges the later renovation steps still have to remove, as `from -> to` (repo paths). Empty now;
 * an entry that no longer exists fails the test, so the list only shrinks.
 */
const ALLOWED: string[] = [
  // Notification emails are text a person reads: they come from the one message catalog, which
  // still lives under views/i18n/ (moving it out of views/ is a later step).
  'services/notifications/render.ts -> views/i18n/index.ts',
];

/** services/ -> actors/ edges, each with why the service needs the actor layer (none today). */
const SERVICES_USE_ACTORS: Record<string, string> = {};

interface Import {
  spec: string;
  typeOnly: boolean; // `import type` / `export type`: erased, no run-time edge
}

/** The imports of one source: static imports and re-exports, side-effect and dynamic imports. */
function imports(source: string): Import[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: Import[] = [];
  for (const m of code.matchAll(/\b(import|export)\s+(type\s)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g)) out.push({ spec: m[3], typeOnly: !!m[2] });
  for (const m of code.matchAll(/\bimport\s*\(?\s*['"]([^'"]+)['"]/g)) out.push({ spec: m[1], typeOnly: false });
  return out;
}

function sources(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) out.push(...sources(p));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every edge as [from, to, typeOnly]: repo paths, or `pkg:<name>` for a package. */
function edges(): Array<[string, string, boolean]> {
  const list: Array<[string, string, boolean]> = [];
  for (const file of sources()) {
    const from = relative(ROOT, file).split('\\').join('/');
    for (const { spec, typeOnly } of imports(readFileSync(file, 'utf8'))) {
      const to = spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)).split('\\').join('/') : `pkg:${spec}`;
      list.push([from, to, typeOnly]);
    }
  }
  return list;
}

/** The cycles of a graph, each as the files around it back to its first one (one or more per tangle). */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

/** The run-time graph between the project's own files: type-only imports and packages left out. */
function runtimeGraph(list: Array<[string, string, boolean]>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [from, to, typeOnly] of list) {
    if (!graph.has(from)) graph.set(from, []);
    if (!typeOnly && !to.startsWith('pkg:')) graph.get(from)!.push(to);
  }
  return graph;
}

const top = (path: string) => (path.startsWith('pkg:') ? 'pkg' : path.includes('/') ? path.split('/')[0] : '.');

/** Why an edge breaks the layering, or null. */
function violation(from: string, to: string): string | null {
  const [a, b] = [top(from), top(to)];
  if (a === 'domain' && b !== 'domain') return 'domain/ imports nothing outside domain/';
  if (a === 'lib' && !['domain', 'lib', 'pkg'].includes(b)) return 'lib/ imports only lib/ and domain/';
  if (a === 'db' && !['domain', 'lib', 'db', 'pkg'].includes(b)) return 'db/ imports only domain/, lib/ and db/';
  if (a === 'services' && !servicesMay(from, to, b)) return 'services/ imports domain/, db/, lib/ and services/, never routes/ or views/';
  if (a === 'broker' && b === 'actors') return 'broker/ does not import actors/';
  if (a === 'views' && (b === 'db' || b === 'actors')) return 'views/ imports neither db/ nor actors/';
  if (b === 'testing' && a !== 'testing' && a !== 'scripts') return 'only tests, scripts/ and testing/ import testing/';
  return null;
}

function servicesMay(from: string, to: string, b: string): boolean {
  if (['domain', 'db', 'lib', 'services', 'pkg'].includes(b)) return true;
  if (to === 'config.ts') return true; // the settings' shape (type-only in every service today)
  return b === 'actors' && Object.hasOwn(SERVICES_USE_ACTORS, `${from} -> ${to}`);
}

test('the parser finds static, type-only, multi-line, re-export, side-effect and dynamic imports, not comments', () => {
  const src = `import { a } from './a.ts';\nimport type {\n  B,\n  C,\n} from "../b.ts";\nexport * from './c.ts';\nexport { d } from './d.ts';\nimport './e.ts';\nconst f = await import('./f.ts');\n// import { g } from './g.ts';\n/* import { h } from './h.ts'; */\nexport const i = Array.from('ij');`;
  assert.equal(imports(src), [
    { spec: './a.ts', typeOnly: false },
    { spec: '../b.ts', typeOnly: true },
    { spec: './c.ts', typeOnly: false },
    { spec: './d.ts', typeOnly: false },
    { spec: './e.ts', typeOnly: false },
    { spec: './f.ts', typeOnly: false },
  ]);
});

test('the graph is the real one: known edges are found', () => {
  const all = edges().map(([f, t]) => `${f} -> ${t}`);
  assert.ok(all.includes('db/users.ts -> domain/users.ts'));
  assert.ok(all.includes('actors/commands.ts -> domain/command.types.ts'));
  assert.ok(all.some((e) => e.startsWith('db/') && e.endsWith('-> pkg:@libsql/client')));
});

test('violation() names a server file importing test support, and lets scripts/ do it', () => {
  assert.ok(violation('routes/pages/alerts.ts', 'testing/route-fixture.ts'));
  assert.is(violation('scripts/bench-availability.ts', 'testing/route-fixture.ts'), null);
  assert.is(violation('testing/real-fleet.ts', 'testing/route-fixture.ts'), null);
});

test('the rules: lib/ and services/ stay below routes/ and views/', () => {
  assert.is(violation('lib/bus.ts', 'db/client.ts'), 'lib/ imports only lib/ and domain/');
  assert.is(violation('lib/bus.ts', 'domain/client.types.ts'), null);
  assert.ok(violation('services/retention.ts', 'routes/deps.ts'));
  assert.ok(violation('services/retention.ts', 'views/render.ts'));
  assert.ok(violation('services/retention.ts', 'actors/fleet.ts'), 'actors/ only with a listed reason');
  assert.is(violation('services/retention.ts', 'db/logs.ts'), null);
  assert.is(violation('testing/media-kit.ts', 'app.ts'), null, 'test support (testing/) wires whole apps');
});

test('layers: domain/ at the bottom; lib/, db/, services/, broker/, views/ never reach up; testing/ stays out of the server', () => {
  const found = edges()
    .filter(([f, t]) => violation(f, t) !== null)
    .map(([f, t]) => `${f} -> ${t}`);
  const unexpected = found.filter((e) => !ALLOWED.includes(e)).map((e) => `${e}: ${violation(...(e.split(' -> ') as [string, string]))}`);
  assert.equal(unexpected, [], `layer violations:\n${unexpected.join('\n')}`);
  const stale = ALLOWED.filter((e) => !found.includes(e));
  assert.equal(stale, [], 'allow-listed edges that no longer exist: remove them from ALLOWED');
});

test('domain/ files import each other only for types (no run-time edges at the bottom layer)', () => {
  const domain = edges().filter(([f]) => f.startsWith('domain/'));
  assert.ok(domain.length > 0, 'domain/ has files with imports');
  for (const [f, t, typeOnly] of domain) assert.ok(typeOnly, `${f} imports ${t} at run time`);
});

test('cycles() finds a cycle through several files, and none when the closing import is type-only', () => {
  const list: Array<[string, string, boolean]> = [
    ['d.ts', 'a.ts', false],
    ['a.ts', 'b.ts', false],
    ['b.ts', 'c.ts', false],
    ['c.ts', 'pkg:hono', false],
  ];
  assert.equal(cycles(runtimeGraph([...list, ['c.ts', 'a.ts', false]])), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  assert.equal(cycles(runtimeGraph([...list, ['c.ts', 'a.ts', true]])), []);
});

test('no import cycle in the run-time graph of the whole project', () => {
  const graph = runtimeGraph(edges());
  assert.ok(graph.size > 100, 'the graph covers the project');
  const found = cycles(graph).map((c) => c.join(' -> '));
  assert.equal(found, [], `import cycles (break them with a module both sides import, or a type-only import):\n${found.join('\n')}`);
});

test.run();
