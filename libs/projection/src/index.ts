export * from './permission-projection';
export * from './projection-runner';
export * from './position-waiters';
export * from './org-state.codec';
export * from './projection-snapshot';
export * from './projection-snapshot.file';
