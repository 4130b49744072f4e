import type { NextFunction, Request, Response } from 'express';

const catalog = new Map<string, { id: string; name: string; price: number }>();

export function loadProduct(req: Request, res: Response, next: NextFunction, id: string) {
  const product = catalog.get(id);
  if (!product) {
    res.status(404).json({ error: 'no such product' });
    return;
  }
  res.locals.product = product;
  next();
}

export function list(_req: Request, res: Response) {
  res.json([...catalog.values()]);
}

export async function create(req: Request, res: Response) {
  const id = String(catalog.size + 1);
  catalog.set(id, { id, ...req.body });
  res.status(201).json(catalog.get(id));
}

export function show(_req: Request, res: Response) {
  res.json(res.locals.product);
}

export function remove(req: Request, res: Response) {
  catalog.delete(req.params.productId!);
  res.sendStatus(204);
}
