export * from './catalog';
export * from './settings';
