/** Pause, play, step one simulated second, speed 0.25×–20×, and the simulated clock. */
import { useCluster } from '../store/cluster-store';
import { useEngine } from '../app/engine-context';

export const SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 20];

export function formatClock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function TimeControls({ lastSpeed, onSpeed }: { lastSpeed: number; onSpeed: (s: number) => void }) {
  const engine = useEngine();
  const now = useCluster((s) => s.now);
  const speed = useCluster((s) => s.speed);
  const paused = speed === 0;
  return (
    <div className="time-controls" role="group" aria-label="Simulated time">
      <button type="button" onClick={() => onSpeed(paused ? lastSpeed || 1 : 0)} aria-pressed={paused} title="Pause or play (space)">
        {paused ? '▶ Play' : '❚❚ Pause'}
      </button>
      <button type="button" onClick={() => void engine.call('step', { ms: 1000 })} title="Step one simulated second (→)">
        Step 1s
      </button>
      <label className="speed">
        <span className="visually-hidden">Speed</span>
        <select value={paused ? lastSpeed : speed} onChange={(e) => onSpeed(Number(e.target.value))} aria-label="Speed">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <output className="clock" aria-label="Simulated time" title="Simulated time since the cluster started">
        {formatClock(now)}
      </output>
    </div>
  );
}
