/** The admission plugins the API server runs, per kind. */
import type { AdmissionChain } from './registry';

export function registerAdmission(_chain: AdmissionChain): void {}
