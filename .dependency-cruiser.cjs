/**
 * Dependencies point one way (DESIGN.md §1): renderer -> shared; preload -> shared;
 * main/shell -> core -> shared; main/api -> core; core -> platforms -> shared.
 * Run by `npm run boundaries` (part of `npm test`); test/boundaries.test.ts proves it bites.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'engine-no-electron',
      comment: 'The engine and the platform adapters run without Electron (tests, harness): only src/main/shell and src/main/index.ts may import electron.',
      severity: 'error',
      from: { path: '^src/main/(core|platforms|api)/' },
      to: { path: '(^|/)node_modules/electron/|^electron$' },
    },
    {
      name: 'engine-no-shell',
      comment: 'The engine never reaches up into the shell, the renderer or the preload.',
      severity: 'error',
      from: { path: '^src/main/(core|platforms|api)/' },
      to: { path: '^src/(main/shell|main/index\\.ts|renderer|preload)' },
    },
    {
      name: 'platforms-below-core',
      comment: 'core -> platforms, never platforms -> core or api.',
      severity: 'error',
      from: { path: '^src/main/platforms/' },
      to: { path: '^src/main/(core|api)/' },
    },
    {
      name: 'core-not-api',
      comment: 'The local API sits on top of the engine; the engine does not import it.',
      severity: 'error',
      from: { path: '^src/main/core/' },
      to: { path: '^src/main/api/' },
    },
    {
      name: 'mcp-only-over-http',
      comment: 'The MCP server talks to the running app over its local API: it never opens the database or builds an engine of its own.',
      severity: 'error',
      from: { path: '^src/main/api/mcp/' },
      to: { path: '^src/main/(core|platforms|shell)/|(^|/)node_modules/better-sqlite3/' },
    },
    {
      name: 'renderer-only-shared',
      comment: 'The renderer talks to the engine only through window.outbox: no node:*, electron or src/main.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: {
        pathNot: '^(src/renderer/|src/shared/)|(^|/)node_modules/',
      },
    },
    {
      name: 'renderer-no-node-or-electron',
      comment: 'The renderer is a sandboxed web page.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-no-electron-package',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '(^|/)node_modules/electron/|^electron$' },
    },
    {
      name: 'renderer-stores-no-ui',
      comment: 'Stores hold state and talk to the engine; they never import a component, view or the composer (types they share live in the stores).',
      severity: 'error',
      from: { path: '^src/renderer/src/(stores/|lib/|api\\.ts$)' },
      to: { path: '^src/renderer/src/(components|views|composer)/|^src/renderer/src/App\\.tsx$' },
    },
    {
      name: 'renderer-engine-through-stores',
      comment: 'One way to window.outbox: views and components go through the stores, which use src/renderer/src/api.ts.',
      severity: 'error',
      from: { path: '^src/renderer/src/(components|views|composer)/|^src/renderer/src/(App|main)\\.tsx$' },
      to: { path: '^src/renderer/src/api\\.ts$' },
    },
    {
      name: 'renderer-no-cycles',
      comment: 'Renderer modules form no import cycle (a store importing a component used to close one).',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { circular: true },
    },
    {
      name: 'preload-only-shared',
      comment: 'The preload bridges to the engine over IPC; it imports electron and src/shared only.',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { pathNot: '^(src/preload/|src/shared/)|(^|/)node_modules/electron/' },
    },
    {
      name: 'shared-is-pure',
      comment: 'src/shared is pure TypeScript: it may import zod and date libraries only.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: '^src/shared/|(^|/)node_modules/(zod|date-fns|@date-fns/tz)/' },
    },
    {
      name: 'heavy-modules-on-first-use',
      comment:
        'Start-up loads only what it uses (issue 21): platform SDKs, image, archive, parsing and keychain libraries load on first use, through lazy() in src/main/platforms/lazy.ts (a dynamic import), or as types only. The date-fns index loads ~250 files: import its functions one by one (date-fns/addDays). A new heavy dependency goes on this list.',
      severity: 'error',
      from: { path: '^src/main/', pathNot: '^src/main/api/mcp/' },
      to: {
        path: '(^|/)node_modules/(@atproto/|@aws-sdk/|sharp/|file-type/|htmlparser2/|yazl/|csv-parse/|@napi-rs/keyring/|twitter-text/|@ffprobe-installer/|@modelcontextprotocol/|date-fns/index\\.)',
        dependencyTypesNot: ['dynamic-import', 'type-only'],
      },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that cannot be resolved is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
    exclude: { path: '\\.test\\.ts$' },
  },
};
