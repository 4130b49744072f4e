import { Router, type NextFunction, type Request, type Response } from 'express';
import { OrdersController } from '../controllers/orders';
import { validate } from '../middleware/validate';

const orders = new OrdersController();
const router = Router();

function loadCart(req: Request, res: Response, next: NextFunction) {
  res.locals.cart = [];
  next();
}

router.use(loadCart);
router.get('/', orders.list);
router.post('/', validate({ productId: 'string', quantity: 'number' }), orders.place);

export default router;
