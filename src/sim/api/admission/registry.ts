/**
 * Admission, per kind, as before-hooks on writes (the store's side effects live here, not in
 * controllers): `default` fills in what the API server defaults, `validate` returns field errors.
 * Plugins for '*' run for every kind (object metadata). Order: defaults, then validation.
 */
import type { KObject } from '../types';
import type { FieldError } from './field-errors';
import type { EngineContext } from '../../context';

export type AdmissionPlugin = {
  name: string;
  kinds: string[] | '*';
  /** Fill in defaults on the object being written (a private copy, safe to modify). */
  default?(obj: KObject, old: KObject | undefined, ctx: EngineContext): void;
  /** Field errors for the object as it would be stored. */
  validate?(obj: KObject, old: KObject | undefined, ctx: EngineContext): FieldError[];
  /**
   * Validating admission (LimitRanger, ResourceQuota): runs only once the object is valid, and refuses
   * by throwing an ApiError (`Forbidden`), as those plugins answer after field validation.
   */
  admit?(obj: KObject, old: KObject | undefined, ctx: EngineContext): void;
};

export class AdmissionChain {
  private readonly plugins: AdmissionPlugin[] = [];
  /** Each kind's plugins in registration order; keyed on the kind, emptied by every register. */
  private readonly byKind = new Map<string, AdmissionPlugin[]>();

  register(...plugins: AdmissionPlugin[]): void {
    this.plugins.push(...plugins);
    this.byKind.clear();
  }

  private forKind(kind: string): AdmissionPlugin[] {
    let list = this.byKind.get(kind);
    if (!list) this.byKind.set(kind, (list = this.plugins.filter((p) => p.kinds === '*' || p.kinds.includes(kind))));
    return list;
  }

  defaults(obj: KObject, old: KObject | undefined, ctx: EngineContext): void {
    for (const p of this.forKind(obj.kind)) p.default?.(obj, old, ctx);
  }

  validate(obj: KObject, old: KObject | undefined, ctx: EngineContext): FieldError[] {
    const errors: FieldError[] = [];
    const plugins = this.forKind(obj.kind);
    for (const p of plugins) if (p.validate) errors.push(...p.validate(obj, old, ctx));
    if (!errors.length) for (const p of plugins) p.admit?.(obj, old, ctx);
    return errors;
  }
}
