/** Injection tokens for values that are not classes. */
export const WARDEN_CONFIG = 'WARDEN_CONFIG';
export const NODE_IDENTITY = 'NODE_IDENTITY';
export const PINO_LOGGER = 'PINO_LOGGER';
