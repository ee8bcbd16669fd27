export * from './catalog';
export * from './settings';
export * from './thread-mode';
export * from './hand-off-text';
