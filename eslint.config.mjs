// The house rules of ../shared/STYLE.md that a machine can check: where each piece may import
// from. Kept small on purpose; `npm run lint` runs it and CI fails on any error.
import tseslint from 'typescript-eslint';

const DEEP_IMPORT = { regex: '^(@warden/[a-z-]+/|(\\.\\./)+(libs/)?[a-z-]+/src(/|$))', message: 'import a lib through its entry point, @warden/<lib>, never a file inside it' };
const APPS = { regex: '(^|/)apps/', message: 'libs never import apps' };
const SQLITE = { name: 'better-sqlite3', message: 'the SQLite client belongs to libs/ledger/src/sqlite/ (and the page copier in sqlite-backup/) only' };
const EVENTSTORE = { name: '@eventstore/db-client', message: 'the EventStoreDB client belongs to libs/ledger/src/eventstoredb/ only' };
const CONSOLE_FEATURES = ['auth', 'overview', 'devices', 'audit', 'keys'];
/** Folders that own the SQLite client: the ledger's adapter, its online backup, and the audit index's (a derived file of its own). */
const SQLITE_OWNERS = ['libs/ledger/src/sqlite/**', 'libs/ledger/src/sqlite-backup/**', 'libs/audit/src/audit-index/sqlite/**'];
const TEST_FILES = ['**/*.spec.ts', '**/*.fixture.ts', 'libs/testing/**', 'test/**', 'bench/**'];

/** no-restricted-imports for one group of files: the paths and patterns given, nothing else. */
function restrict(files, { paths = [], patterns = [], ignores = [] }) {
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

export default tseslint.config(
  { ignores: ['dist/**', '**/dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', 'apps/console/src/api/schema.d.ts'] },
  { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } },
  // Everywhere: lib entry points only; vendor clients only inside their adapter folder (tests may open a file to inspect it).
  restrict(['**/*.ts'], { paths: [SQLITE, EVENTSTORE], patterns: [DEEP_IMPORT], ignores: [...SQLITE_OWNERS, 'libs/ledger/src/eventstoredb/**', ...TEST_FILES] }),
  restrict(TEST_FILES, { patterns: [DEEP_IMPORT] }),
  restrict(['libs/ledger/src/sqlite/**', 'libs/ledger/src/sqlite-backup/**'], { paths: [EVENTSTORE], patterns: [DEEP_IMPORT] }),
  restrict(['libs/ledger/src/eventstoredb/**'], { paths: [SQLITE], patterns: [DEEP_IMPORT] }),
  // Libs never import apps.
  restrict(['libs/**/*.ts'], { paths: [SQLITE, EVENTSTORE], patterns: [DEEP_IMPORT, APPS], ignores: [...SQLITE_OWNERS, 'libs/ledger/src/eventstoredb/**', ...TEST_FILES] }),
  // The domain imports nothing but itself.
  restrict(['libs/domain/src/**/*.ts'], {
    patterns: [{ regex: '^(?!\\.{1,2}/)', message: 'libs/domain imports nothing but itself (pure TypeScript: no libraries, no node:*)' }],
    ignores: ['libs/domain/src/**/*.spec.ts'],
  }),
  // The SDK is a package of its own: no Nest, no server-side libs.
  restrict(['libs/sdk/src/**/*.ts'], {
    paths: [SQLITE, EVENTSTORE],
    patterns: [
      DEEP_IMPORT,
      APPS,
      { regex: '^@nestjs/', message: 'the SDK depends on nothing of Nest' },
      { regex: '^@warden/(ledger|projection|enforcement|broadcast|audit|events)$', message: 'the SDK depends on no server-side lib' },
    ],
    ignores: ['libs/sdk/src/**/*.spec.ts'],
  }),
  // The console: a feature folder per screen, composed by src/app (routes, layout); a feature
  // imports shared code (src/api, src/components, src/lib) and itself, never another feature or the app.
  ...CONSOLE_FEATURES.map((feature) =>
    restrict([`apps/console/src/features/${feature}/**`], {
      patterns: [
        { regex: '(^|/)features/', message: `${feature} imports no other feature: move what they share to src/components or src/lib` },
        { regex: '^(\\.\\./){2}(?!\\.\\./)', message: `${feature} imports no other feature: move what they share to src/components or src/lib` },
        { regex: '(^|/)app/', message: 'features never import src/app: the app composes the features' },
        { regex: '^@warden/', message: 'the console talks to the control plane over its public API only (src/api)' },
      ],
    }),
  ),
  // Shared console code knows no feature and no lib of the server.
  restrict(['apps/console/src/api/**', 'apps/console/src/components/**', 'apps/console/src/lib/**'], {
    patterns: [
      { regex: '(^|/)features/', message: 'shared console code imports no feature' },
      { regex: '^@warden/', message: 'the console talks to the control plane over its public API only (src/api)' },
    ],
  }),
);
