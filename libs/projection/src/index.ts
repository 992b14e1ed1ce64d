export * from './permission-projection';
export * from './projection-runner';
export * from './position-waiters';
export * from './org-event.schemas';
