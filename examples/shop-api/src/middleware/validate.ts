import type { NextFunction, Request, Response } from 'express';

export type Schema = Record<string, 'string' | 'number'>;

export function validate(schema: Schema) {
  return function validateBody(req: Request, res: Response, next: NextFunction) {
    for (const [field, type] of Object.entries(schema)) {
      if (typeof req.body?.[field] !== type) {
        res.status(400).json({ error: `${field} must be a ${type}` });
        return;
      }
    }
    next();
  };
}
