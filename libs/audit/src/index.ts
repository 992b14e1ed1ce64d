export * from './audit';
export * from './export';
