import type { Express } from 'express';
import products from './products';
import orders from './orders';
import { adminRouter } from './admin';

export function registerRoutes(app: Express) {
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/api/products', products);
  app.use('/api/orders', orders);
  app.use('/api/admin', adminRouter);
}
