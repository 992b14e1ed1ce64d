export { EventStoreTestServer, type EventStoreTestServerOptions } from './event-store-test-server';
export { EventStoreTestData, type StoredRecord } from './event-store-test-data';
