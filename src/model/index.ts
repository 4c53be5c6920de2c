export * from './common.js';
export * from './dataset.js';
export * from './labels.js';
export * from './model.js';
export * from './node.js';
export * from './policies.js';
export * from './request.js';
export * from './validate.js';
