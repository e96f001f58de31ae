// Media preflight: SSRF guard, header readers, Meta's limits, HEAD + range-GET probe.
export * from './image-header.js';
export * from './limits.js';
export * from './mp4-boxes.js';
export * from './pinned-fetch.js';
export * from './probe.js';
export * from './ssrf.js';
