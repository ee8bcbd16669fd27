export * from './app';
export * from './contract';
export * from './define';
export * from './events';
export * from './settings';
export * from '../result';
