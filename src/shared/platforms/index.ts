export * from './catalog';
export * from './settings';
export * from './thread-mode';
