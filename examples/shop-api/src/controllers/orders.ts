import type { Request, Response } from 'express';

export class OrdersController {
  private readonly orders: unknown[] = [];

  list = (_req: Request, res: Response) => {
    res.json(this.orders);
  };

  place = async (req: Request, res: Response) => {
    this.orders.push(req.body);
    res.status(201).json(req.body);
  };
}
