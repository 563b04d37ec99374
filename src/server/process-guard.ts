import type { Logger } from './core/logger.js';

/**
 * Keeps the `natter-server` process alive through an exception nothing caught and a promise
 * rejection nothing handled: each is logged (error level, with its stack) and the server goes
 * on serving. Node's default is to exit, which drops every user's connection because one frame,
 * request or adapter callback had a bug; every frame and request is already answered on its
 * own, so what reaches here is a bug to fix from the log, not a reason to stop.
 *
 * Installed by `main.ts` only. `createChatServer` never installs it: a process that embeds the
 * server is its owner's, and whether it survives an uncaught error is their choice (they can
 * call this themselves with their logger). Returns a function that removes the handlers.
 */
export function installProcessGuard(logger: Logger, target: NodeJS.Process = process): () => void {
  const onException = (err: Error, origin: string): void => {
    report(logger, { err, origin }, 'uncaught exception; the server keeps running');
  };
  const onRejection = (reason: unknown): void => {
    report(logger, { err: reason }, 'unhandled promise rejection; the server keeps running');
  };
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}

/** A failing logger must not turn the guard into the next uncaught exception. */
function report(logger: Logger, obj: { err: unknown; origin?: string }, msg: string): void {
  try {
    logger.error(obj, msg);
  } catch {
    try {
      console.error(msg, obj.err);
    } catch {
      // Nowhere left to say it.
    }
  }
}
