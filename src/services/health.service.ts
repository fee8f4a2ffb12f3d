import type { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';

export type DependencyState = 'up' | 'down' | 'off';

export interface HealthReport {
  status: 'OK' | 'DEGRADED';
  timestamp: string;
  uptime: number;
  dependencies: { postgres: DependencyState; redis: DependencyState; mongo: DependencyState };
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export type HealthService = ReturnType<typeof createHealthService>;

/** PostgreSQL and Redis are required; MongoDB only reports (gateway logs are optional, as in the seed). */
export function createHealthService(deps: { sequelize: Sequelize; redis: Redis; mongoStatus: () => DependencyState }) {
  const probe = async (check: () => Promise<unknown>): Promise<DependencyState> => {
    try {
      await withTimeout(check(), 2_000);
      return 'up';
    } catch {
      return 'down';
    }
  };
  return {
    /** The process answers; nothing else is checked. */
    live(): { status: 'OK'; uptime: number } {
      return { status: 'OK', uptime: process.uptime() };
    },

    async report(): Promise<HealthReport> {
      const [postgres, redis] = await Promise.all([
        probe(() => deps.sequelize.query('SELECT 1')),
        probe(() => deps.redis.ping()),
      ]);
      const mongo = deps.mongoStatus();
      return {
        status: postgres === 'up' && redis === 'up' ? 'OK' : 'DEGRADED',
        timestamp: new Date().toISOString(),
        uptime: process.uptime(),
        dependencies: { postgres, redis, mongo },
      };
    },
  };
}
