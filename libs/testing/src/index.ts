export * from './decider/org.fixtures';
export * from './decider/leases-and-locks.fixtures';
export * from './decider/given-when-then';
export * from './decider/org.arbitraries';
export * from './ledger/faulty-event-ledger';
export * from './nats/nats-server.launcher';
export * from './eventstore';
export * from './ledger/namespaced-event-ledger';
