import express from 'express';

export const adminRouter = express.Router();

adminRouter.get('/stats', async (_req, res) => {
  res.json({ orders: 0 });
});

adminRouter.post('/reindex', (_req, res) => {
  res.status(202).end();
});
