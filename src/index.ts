/**
 * The one entry file: reads config, builds every client and service, starts HTTP + Socket.io + the scheduler,
 * and owns graceful shutdown.
 */
import { ConfigError, loadConfig, readEnvironment } from '../config/index.js';
import { StartupError, startServer } from './server.js';
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
  const logger = createLogger(config.server.logLevel);

  let server;
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
  logger.info(`UserState API listening on port ${server.port} (${config.env})`);

  const shutdown = (signal: string) => {
    logger.info(`${signal} received: shutting down gracefully`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', reason));
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception: shutting down', error);
    shutdown('uncaughtException');
  });
}

void main();
