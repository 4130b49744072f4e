import type { NextFunction, Request, Response } from 'express';

export interface User {
  id: string;
  roles: string[];
}

export function authenticate(req: Request, res: Response, next: NextFunction) {
  const token = req.get('authorization');
  if (!token) {
    res.status(401).json({ error: 'missing token' });
    return;
  }
  res.locals.user = { id: token.slice(7), roles: ['customer'] } satisfies User;
  next();
}

export const requireRole = (role: string) => (req: Request, res: Response, next: NextFunction) => {
  const user = res.locals.user as User | undefined;
  if (user?.roles.includes(role)) return next();
  res.status(403).json({ error: `requires ${role}` });
};
