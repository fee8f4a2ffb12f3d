/**
 * The one entry file: reads config, builds every client and service, starts HTTP + Socket.io + the scheduler,
 * and owns graceful shutdown.
 */
import { ConfigError, loadConfig, readEnvironment } from '../config/index.js';
import { StartupError, startServer, type RunningServer } from './server.js';
import { createLogger } from './utilities/logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.server.logLevel, undefined, { format: config.server.logFormat });
  if (config.env === 'development' && config.developmentDefaultsInUse.length > 0) {
    logger.warn(`using development defaults for ${config.developmentDefaultsInUse.join(', ')}: set them before this server takes real traffic (production refuses them)`);
  }

  // Signal handlers come first: a signal that arrives while the server starts must not kill the process outright.
  let server: RunningServer | undefined;
  let stopping = false;
  const shutdown = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: shutting down gracefully`);
    (server ? server.close() : Promise.resolve()).then(
      () => process.exit(exitCode),
      (error: unknown) => {
        logger.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', reason));
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception: shutting down', error);
    shutdown('uncaughtException', 1);
  });

  try {
    server = await startServer({ config, logger });
  } catch (error) {
    if (error instanceof StartupError || error instanceof ConfigError) {
      // Fatal start-up problems are printed whatever LOG_LEVEL says.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (stopping) {
    // A signal came while starting: close what was just opened.
    await server.close();
    process.exit(0);
  }
  logger.info(`UserState API listening on port ${server.port} (${config.env})`);
  // PM2 (wait_ready) and other supervisors that forked us: migrations are applied and the port answers.
  process.send?.('ready');
}

void main();
