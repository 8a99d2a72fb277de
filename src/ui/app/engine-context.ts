/** The one engine client of the page, reachable from any component. */
import { createContext, useContext } from 'react';
import type { EngineClient } from './engine-client';

export const EngineContext = createContext<EngineClient | null>(null);

export function useEngine(): EngineClient {
  const e = useContext(EngineContext);
  if (!e) throw new Error('useEngine outside EngineContext');
  return e;
}
