import express from 'express';
import cors from 'cors';
import { requestLog } from './middleware/request-log';
import { authenticate, requireRole } from './middleware/auth';
import { errorHandler, notFound } from './middleware/errors';
import { registerRoutes } from './routes';

export function createApp() {
  const app = express();

  app.use(requestLog);
  app.use(cors());
  app.use(express.json());
  if (process.env.NODE_ENV !== 'production') {
    app.use(function devDelay(_req, _res, next) {
      setTimeout(next, 0);
    });
  }
  app.use('/api', authenticate);
  app.use('/api/admin', requireRole('admin'));

  registerRoutes(app);

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
