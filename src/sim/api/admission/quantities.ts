/**
 * Quantities are stored in canonical form wherever they appear (resources, LimitRange, ResourceQuota,
 * PVC, emptyDir sizeLimit, …): `0.1` cpu becomes `100m`, `1.5Gi` becomes `1536Mi`. The schema knows
 * where quantities are; this plugin runs last, after the defaults that copy them around.
 */
import type { AdmissionPlugin } from './registry';
import { canonicalizeQuantities } from './schema';

export const quantitiesPlugin: AdmissionPlugin = {
  name: 'Quantities',
  kinds: '*',
  default(obj) {
    canonicalizeQuantities(obj);
  },
};
