// The SDK as its users get it (its public entry point), plus the one internal a spec needs.
export * from '../src';
export { retryingFetch as retryingFetchForTest } from '../src/retry';
