// Test helpers that capture the BuildpackError a call throws or a promise rejects with.
// They assert the error really is a BuildpackError and fail the test when nothing is thrown;
// they never inspect codes or messages, which stay in each test.

import { expect } from 'vitest';
import { BuildpackError } from '../../src/errors.js';

/** Calls `fn`, expects it to throw a BuildpackError, and returns that error. */
export function thrown(fn: () => unknown): BuildpackError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BuildpackError);
    return err as BuildpackError;
  }
  throw new Error('expected an error');
}

/** Awaits `promise`, expects it to reject with a BuildpackError, and returns that error. */
export async function rejected(promise: Promise<unknown>): Promise<BuildpackError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(BuildpackError);
    return err as BuildpackError;
  }
  throw new Error('expected a rejection');
}
