import { Router } from 'express';
import * as products from '../controllers/products';
import { validate } from '../middleware/validate';

const router = Router();

router.param('productId', products.loadProduct);

router.get('/', products.list);
router.post('/', validate({ name: 'string', price: 'number' }), products.create);
router.route('/:productId').get(products.show).delete(products.remove);

export default router;
