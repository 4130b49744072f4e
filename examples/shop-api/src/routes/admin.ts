import express from 'express';

export const adminRouter = express.Router();

async function loadStats(): Promise<{ orders: number }> {
  return { orders: 0 };
}

// Express 4 does not catch this handler's rejections: mwchain reports it and offers two fixes.
adminRouter.get('/stats', async (_req, res) => {
  const stats = await loadStats();
  res.json(stats);
});

adminRouter.post('/reindex', (_req, res) => {
  res.status(202).end();
});
