/**
 * Jest: unit specs beside the code, e2e specs under test/. TypeScript is transpiled by
 * ts-jest without type checking (`npm run typecheck` does that once for the whole tree).
 */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }];
const moduleNameMapper = {
  '^@warden/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@warden/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
// A few dependencies ship ESM only (content-disposition, used by @fastify/static for /docs):
// Node 20.19 loads them natively, jest's CommonJS runtime needs them compiled.
const esmOnly = ['content-disposition'];
const common = {
  transform: { '^.+\\.ts$': tsJest, [`node_modules/(${esmOnly.join('|')})/.+\\.js$`]: tsJest },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
